package flux

import (
	"context"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/pipeline"
	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
	"github.com/preadmit/preadmit/transform/stream"
)

// Options are the settings of "preadmit flux postrenderers".
type Options struct {
	// Render are the policies and how they act; its report settings are
	// not used.
	Render pipeline.Options
	// Input is the rendered chart; "" or "-" reads stdin.
	Input string
	// HelmRelease, when set, is a file holding a HelmRelease whose
	// spec.postRenderers and spec.commonMetadata.labels are rewritten in
	// place; its other fields and comments are kept.
	HelmRelease string
}

// PostRenderers renders a chart with the policies and writes the
// HelmRelease post-renderers that make helm-controller produce the same
// mutations. What post-renderers cannot express is said on stderr and in
// comments of the output.
func PostRenderers(ctx context.Context, o Options, stdin io.Reader, stdout io.Writer, ch *pipeline.Channels) error {
	input, err := readInput(o.Input, stdin)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	// The export reads the trees and every result.
	o.Render.KeepTrees, o.Render.Report.AllResults = true, true
	p, err := pipeline.New(o.Render)
	if err != nil {
		return err
	}
	res, err := p.Render(ctx, input)
	if err != nil {
		return err
	}
	if v := pipeline.Violations(res, "no post-renderers written"); v != nil {
		ch.Failure(v.Report)
		return v
	}
	docs, err := fluxDocs(res)
	if err != nil {
		return err
	}
	ex, err := Derive(docs)
	if err != nil {
		return err
	}
	var src []byte
	var have Strategy
	if o.HelmRelease != "" {
		if src, err = os.ReadFile(o.HelmRelease); err != nil {
			return err
		}
		if have, err = HelmReleaseStrategy(src); err != nil {
			return fmt.Errorf("%s: %w", o.HelmRelease, err)
		}
	}
	hookNotes, warnings := ex.Settle(have)
	notes := append(fluxNotes(ex, p.Policies(), res.Results), hookNotes...)
	comments := slices.Clone(notes)
	for _, w := range warnings {
		comments = append(comments, "warning: "+w)
	}
	if err := writeFlux(o, src, ex, comments, stdout); err != nil {
		return err
	}
	var b strings.Builder
	for _, n := range notes {
		b.WriteString("note: " + strings.ReplaceAll(n, "\n", " ") + "\n")
	}
	for _, w := range warnings {
		b.WriteString("warning: " + w + "\n")
	}
	ch.Success(b.String() + res.Totals.String() + "\n")
	return nil
}

// writeFlux patches the HelmRelease file in place (src is what it holds),
// or writes the spec fragment to stdout.
func writeFlux(o Options, src []byte, ex *Export, notes []string, stdout io.Writer) error {
	if o.HelmRelease == "" {
		b, err := Spec(ex, notes)
		if err != nil {
			return err
		}
		_, err = stdout.Write(b)
		return err
	}
	out, err := PatchHelmRelease(src, ex, notes)
	if err != nil {
		return fmt.Errorf("%s: %w", o.HelmRelease, err)
	}
	info, err := os.Stat(o.HelmRelease)
	if err != nil {
		return err
	}
	return os.WriteFile(o.HelmRelease, out, info.Mode().Perm())
}

func readInput(path string, stdin io.Reader) ([]byte, error) {
	var b []byte
	var err error
	if path == "" || path == "-" {
		b, err = pipeline.ReadStream(stdin)
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("reading input: %w", err)
	}
	return b, nil
}

// fluxDocs pairs every resource of the render with the document the chart
// produced: the original bytes of a changed document are parsed again.
func fluxDocs(res *transform.Output) ([]Doc, error) {
	var docs []Doc
	for _, d := range res.Docs {
		if d.Node == nil || d.Node.YNode().Kind != yaml.MappingNode || d.Node.GetKind() == "" || d.Node.GetName() == "" {
			continue
		}
		before := d.Node
		if d.Changed {
			orig, err := stream.Read(d.Raw, stream.DefaultLimits)
			if err != nil || len(orig) != 1 || orig[0].Node == nil {
				return nil, fmt.Errorf("document %d: reading it again: %v", d.Index, err)
			}
			before = orig[0].Node
		}
		docs = append(docs, Doc{Before: before, After: d.Node, Source: d.Source})
	}
	return docs, nil
}

// fluxNotes says what the post-renderers do not carry over.
func fluxNotes(ex *Export, policies []*policy.Policy, results []report.Result) []string {
	notes := []string{
		"helm-controller renders charts with Helm 4 and applies spec.postRenderers (kustomize patches, then images) " +
			"and then spec.commonMetadata to what spec.postRenderStrategy selects: \"combined\" (the default) post-renders " +
			"Helm hooks with the other resources, \"separate\" post-renders them in a stream of their own, " +
			"\"nohooks\" (the default under the UseHelm3Defaults feature gate, and what Flux 2.8.6 to 2.8.x always do) leaves them out.",
	}
	var validate []string
	for _, p := range policies {
		for _, r := range p.Rules {
			if r.RuleType() == policy.RuleValidation && !slices.Contains(validate, p.Name) {
				validate = append(validate, p.Name)
			}
		}
	}
	if len(validate) > 0 {
		notes = append(notes, fmt.Sprintf("not expressible: validation. Post-renderers only change manifests; the %d validating policies (%s) "+
			"run in preadmit render or fn in CI, or in Kyverno at admission.", len(validate), strings.Join(validate, ", ")))
	}
	var mutated []string
	for _, r := range results {
		if r.Type == policy.RuleMutation && r.Status == report.StatusPass && !slices.Contains(mutated, r.RuleKey()) {
			mutated = append(mutated, r.RuleKey())
		}
	}
	if len(mutated) > 0 {
		notes = append(notes, "not expressible: conditions. The patches hold the values the mutations ("+strings.Join(mutated, ", ")+
			") produced on this render; their preconditions, add-if-absent and conditional anchors were evaluated here, not in the cluster: "+
			"a value the chart sets later is overwritten by the patch, and a new resource gets none. Export again when the chart version or its values change.")
	}
	for _, g := range ex.Gaps {
		notes = append(notes, "not reproduced by the post-renderers: "+g)
	}
	return notes
}
