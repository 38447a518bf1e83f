package pipeline

import (
	"fmt"
	"io"

	"github.com/pmezard/go-difflib/difflib"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/stream"
)

// writeDiff prints a unified diff of every document the mutations changed,
// the "audit mode for mutations": what would change, without changing it.
func writeDiff(w io.Writer, out *transform.Output) error {
	for _, d := range out.Docs {
		if !d.Changed {
			continue
		}
		after, err := stream.Bytes([]*stream.Document{{Node: d.Node, Raw: d.Raw, Changed: true}})
		if err != nil {
			return err
		}
		name := fmt.Sprintf("doc %d", d.Index)
		if d.Source != "" {
			name += " " + d.Source
		}
		if k := d.Node.GetKind(); k != "" {
			name += " " + k + "/" + d.Node.GetName()
		}
		text, err := difflib.GetUnifiedDiffString(difflib.UnifiedDiff{
			A:        difflib.SplitLines(string(d.Raw)),
			B:        difflib.SplitLines(string(after)),
			FromFile: "a/" + name,
			ToFile:   "b/" + name,
			Context:  3,
		})
		if err != nil {
			return fmt.Errorf("diff of document %d: %w", d.Index, err)
		}
		if _, err := io.WriteString(w, text); err != nil {
			return err
		}
	}
	return nil
}
