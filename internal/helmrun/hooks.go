package helmrun

import (
	"bytes"
	"context"
	"fmt"
	"strings"

	"helm.sh/helm/v3/pkg/release"

	"github.com/preadmit/preadmit/pipeline"
	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/stream"
)

// renderHooks applies the policies to the hook manifests, one document per
// hook as Helm splits them, each with its "# Source:" comment so reports
// name the template. Mutated hooks are written back into the release, so
// what Helm stores and applies is what was validated.
func renderHooks(ctx context.Context, p *pipeline.Pipeline, hooks []*release.Hook) (*transform.Output, error) {
	if len(hooks) == 0 {
		return &transform.Output{}, nil
	}
	var in bytes.Buffer
	for _, h := range hooks {
		fmt.Fprintf(&in, "---\n# Source: %s\n%s\n", h.Path, h.Manifest)
	}
	res, err := p.Render(ctx, in.Bytes())
	if err != nil {
		return nil, fmt.Errorf("hooks: %w", err)
	}
	var docs []*stream.Document
	for _, d := range res.Docs {
		if !d.Empty() {
			docs = append(docs, d)
		}
	}
	if len(docs) != len(hooks) {
		return nil, fmt.Errorf("hooks: %d hook manifests rendered as %d documents", len(hooks), len(docs))
	}
	for i, d := range docs {
		if !d.Changed {
			continue
		}
		b := d.Out // a compact render encoded it already
		if b == nil {
			var err error
			if b, err = stream.Encode(d.Node.YNode(), stream.SeqIndentStyle(d.Raw)); err != nil {
				return nil, fmt.Errorf("hook %s: %w", hooks[i].Path, err)
			}
		}
		hooks[i].Manifest = strings.TrimRight(dropSourceComment(string(b)), "\n")
	}
	return res, nil
}

// dropSourceComment removes the "# Source:" line renderHooks added, which
// Helm keeps in Hook.Path rather than in the manifest.
func dropSourceComment(s string) string {
	if strings.HasPrefix(s, "# Source:") {
		if i := strings.IndexByte(s, '\n'); i >= 0 {
			return s[i+1:]
		}
	}
	return s
}

// merge joins the results of the manifests and of the hooks as one render
// of the stream "helm template" prints: manifests first, then hooks.
func merge(manifests, hooks *transform.Output) *transform.Output {
	if manifests == nil {
		manifests = &transform.Output{}
	}
	out := &transform.Output{
		Docs:      append(append([]*stream.Document{}, manifests.Docs...), hooks.Docs...),
		Resources: manifests.Resources + hooks.Resources,
		Mutated:   manifests.Mutated + hooks.Mutated,
		Totals:    manifests.Totals.Plus(hooks.Totals),
	}
	out.Results = append(out.Results, manifests.Results...)
	offset := len(manifests.Docs)
	for _, r := range hooks.Results {
		r.Resource.Index += offset
		out.Results = append(out.Results, r)
	}
	return out
}
