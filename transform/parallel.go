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
//
// With compact, each document is parsed first and encoded after, and its
// tree let go (see renderCompact).
func (e *run) renderAll(docs []*stream.Document, compact bool) (*Output, error) {
	out := &Output{Docs: docs}
	out.log.findingsOnly = e.opts.FindingsOnly
	batches := (len(docs) + batchDocs - 1) / batchDocs
	parts := make([]Output, batches)
	err := stream.Each(batches, e.opts.Workers, 1, func(b int) error {
		parts[b].log.findingsOnly = e.opts.FindingsOnly
		for _, d := range docs[b*batchDocs : min((b+1)*batchDocs, len(docs))] {
			if compact {
				if err := e.parseLate(d); err != nil {
					return err
				}
			}
			if err := e.renderDoc(d, &parts[b]); err != nil {
				return err
			}
			if compact {
				if err := d.Compact(); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for b := range parts {
		out.Resources += parts[b].Resources
		out.Mutated += parts[b].Mutated
		out.log.addAll(&parts[b].log)
	}
	out.Results = out.log.all()
	out.Totals = out.log.count.Totals(out.Resources)
	out.log = resultLog{}
	return out, nil
}
