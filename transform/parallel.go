package transform

import (
	"github.com/preadmit/preadmit/transform/stream"
)

// batchDocs is how many documents one worker takes at a time: enough to
// make the hand-off cheap, few enough to spread a chart's documents.
const batchDocs = 16

// renderAll renders the documents on Options.Workers goroutines (default:
// every CPU): documents are independent once the stream's ConfigMaps,
// Namespaces and PolicyExceptions are collected. Each batch keeps its own
// results, joined in document order, so the output does not depend on the
// scheduling. The first error, in document order, is returned.
func (e *Engine) renderAll(docs []*stream.Document, out *Output) error {
	batches := (len(docs) + batchDocs - 1) / batchDocs
	parts := make([]Output, batches)
	err := stream.Each(batches, e.opts.Workers, 1, func(b int) error {
		for _, d := range docs[b*batchDocs : min((b+1)*batchDocs, len(docs))] {
			if err := e.renderDoc(d, &parts[b]); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	for b := range parts {
		out.Resources += parts[b].Resources
		out.Mutated += parts[b].Mutated
		out.log.addAll(&parts[b].log)
	}
	return nil
}
