package flux

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/preadmit/preadmit/transform/stream"
)

// Marker starts the comment on the spec.postRenderers entry preadmit
// writes: a later run replaces the entry it marks and keeps the others.
const Marker = "Written by preadmit flux postrenderers"

// Spec is the export as a HelmRelease spec fragment (spec.postRenderers,
// spec.commonMetadata) headed by the notes as comments.
func Spec(ex *Export, notes []string) ([]byte, error) {
	b, err := toYAML(struct {
		Spec *Export `json:"spec"`
	}{ex})
	if err != nil {
		return nil, err
	}
	return append([]byte(comment(notes)+"\n"), b...), nil
}

func toYAML(v interface{}) ([]byte, error) {
	j, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return sigsyaml.JSONToYAML(j)
}

func comment(notes []string) string {
	lines := []string{Marker + ": HelmRelease spec fields for helm.toolkit.fluxcd.io/v2."}
	for _, n := range notes {
		lines = append(lines, wrap(n, 76)...)
	}
	return "# " + strings.Join(lines, "\n# ")
}

func wrap(s string, width int) []string {
	var out []string
	line := "-"
	for _, w := range strings.Fields(s) {
		if len(line)+1+len(w) > width {
			out = append(out, line)
			line = " "
		}
		line += " " + w
	}
	return append(out, line)
}

// ErrNoHelmRelease is returned when a file to patch holds no HelmRelease,
// or more than one.
var ErrNoHelmRelease = errors.New("expected exactly one helm.toolkit.fluxcd.io HelmRelease in the file")

// PatchHelmRelease rewrites the HelmRelease in src: the entry of
// spec.postRenderers preadmit wrote before is replaced (or one is appended,
// other entries kept), the common labels are set in
// spec.commonMetadata.labels, and spec.postRenderStrategy is set when the
// export has one (Settle clears it when the HelmRelease sets its own).
// Every other field, comment and document stays as it was.
func PatchHelmRelease(src []byte, ex *Export, notes []string) ([]byte, error) {
	docs, hr, err := readHelmRelease(src)
	if err != nil {
		return nil, err
	}
	spec, err := hr.Node.Pipe(yaml.LookupCreate(yaml.MappingNode, "spec"))
	if err != nil {
		return nil, fmt.Errorf("HelmRelease %s: spec: %w", hr.Node.GetName(), err)
	}
	if err := setPostRenderer(spec, ex, notes); err != nil {
		return nil, fmt.Errorf("HelmRelease %s: spec.postRenderers: %w", hr.Node.GetName(), err)
	}
	if ex.PostRenderStrategy != "" {
		if err := spec.PipeE(yaml.SetField("postRenderStrategy", yaml.NewScalarRNode(string(ex.PostRenderStrategy)))); err != nil {
			return nil, fmt.Errorf("HelmRelease %s: spec.postRenderStrategy: %w", hr.Node.GetName(), err)
		}
	}
	if ex.CommonMetadata != nil {
		labels, err := spec.Pipe(yaml.LookupCreate(yaml.MappingNode, "commonMetadata", "labels"))
		if err != nil {
			return nil, fmt.Errorf("HelmRelease %s: spec.commonMetadata.labels: %w", hr.Node.GetName(), err)
		}
		for _, k := range sortedKeys(ex.CommonMetadata.Labels) {
			if err := labels.PipeE(yaml.SetField(k, yaml.NewStringRNode(ex.CommonMetadata.Labels[k]))); err != nil {
				return nil, err
			}
		}
	}
	hr.Changed = true
	return stream.Bytes(docs)
}

func setPostRenderer(spec *yaml.RNode, ex *Export, notes []string) error {
	list, err := spec.Pipe(yaml.LookupCreate(yaml.SequenceNode, "postRenderers"))
	if err != nil {
		return err
	}
	kept := list.YNode().Content[:0]
	for _, e := range list.YNode().Content {
		if !strings.Contains(e.HeadComment, Marker) {
			kept = append(kept, e)
		}
	}
	list.YNode().Content = kept
	if len(ex.PostRenderers) == 0 {
		return nil
	}
	b, err := toYAML(ex.PostRenderers[0])
	if err != nil {
		return err
	}
	entry, err := yaml.Parse(string(b))
	if err != nil {
		return err
	}
	entry.YNode().HeadComment = comment(notes)
	list.YNode().Content = append(list.YNode().Content, entry.YNode())
	return nil
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sortStrings(keys)
	return keys
}

// HelmReleaseStrategy is the spec.postRenderStrategy the HelmRelease in src
// sets, "" when it sets none; a *StrategyError for a value helm-controller's
// API does not accept (the values are case-sensitive).
func HelmReleaseStrategy(src []byte) (Strategy, error) {
	_, hr, err := readHelmRelease(src)
	if err != nil {
		return "", err
	}
	n, err := hr.Node.Pipe(yaml.Lookup("spec", "postRenderStrategy"))
	if err != nil || n == nil {
		return "", err
	}
	switch s := Strategy(yaml.GetValue(n)); s {
	case StrategyCombined, StrategySeparate, StrategyNoHooks:
		return s, nil
	default:
		return "", &StrategyError{Value: string(s)}
	}
}

// StrategyError is a spec.postRenderStrategy helm-controller rejects.
type StrategyError struct{ Value string }

func (e *StrategyError) Error() string {
	return fmt.Sprintf("spec.postRenderStrategy %q: helm-controller accepts %s, %s or %s", e.Value, StrategyCombined, StrategySeparate, StrategyNoHooks)
}

// readHelmRelease reads src and finds its one HelmRelease.
func readHelmRelease(src []byte) ([]*stream.Document, *stream.Document, error) {
	docs, err := stream.Read(src, stream.DefaultLimits)
	if err != nil {
		return nil, nil, err
	}
	var hr *stream.Document
	for _, d := range docs {
		if d.Node != nil && d.Node.GetKind() == "HelmRelease" && strings.HasPrefix(d.Node.GetApiVersion(), "helm.toolkit.fluxcd.io/") {
			if hr != nil {
				return nil, nil, ErrNoHelmRelease
			}
			hr = d
		}
	}
	if hr == nil {
		return nil, nil, ErrNoHelmRelease
	}
	return docs, hr, nil
}
