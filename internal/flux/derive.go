package flux

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"sort"

	"github.com/fluxcd/pkg/apis/kustomize"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/stream"
)

// Derive expresses the changes between each document's Before and After as
// post-renderers, then checks them by applying them as helm-controller
// does, under the post-render strategy the documents need (see
// strategyFor); documents they do not reproduce are listed in Export.Gaps.
func Derive(docs []Doc) (*Export, error) {
	images := deriveImages(docs)
	labels := deriveLabels(docs)
	k := &Kustomize{Images: images}
	ex := &Export{}
	for _, d := range docs {
		target := expected(d, images, labels)
		diff := strategicDiff(d.Before, target)
		if diff == nil {
			continue
		}
		p, err := patchFor(d.Before, diff)
		if err != nil {
			return nil, err
		}
		k.Patches = append(k.Patches, p)
	}
	ex.PostRenderStrategy, ex.Hooks, ex.Shared = strategyFor(docs)
	if len(k.Images) > 0 || len(k.Patches) > 0 {
		ex.PostRenderers = []PostRenderer{{Kustomize: k}}
	}
	if len(labels) > 0 {
		ex.CommonMetadata = &CommonMetadata{Labels: labels}
	}
	gaps, err := verify(docs, ex)
	if err != nil {
		return nil, err
	}
	ex.Gaps = gaps
	return ex, nil
}

// deriveImages returns one images entry per image name whose every
// occurrence, in every document, the engine rewrote the way the entry does.
func deriveImages(docs []Doc) []kustomize.Image {
	type change struct{ before, after string }
	var all []change
	for _, d := range docs {
		for _, o := range imageOccurrences(d.Before) {
			a := at(d.After.YNode(), o.path)
			if a == nil || a.Kind != yaml.ScalarNode {
				all = append(all, change{o.value, ""})
				continue
			}
			all = append(all, change{o.value, a.Value})
		}
	}
	candidates := map[string]kustomize.Image{}
	conflict := map[string]bool{}
	for _, c := range all {
		if c.after == "" || c.after == c.before {
			continue
		}
		im, ok := imageEntry(c.before, c.after)
		if prev, seen := candidates[im.Name]; !ok || (seen && prev != im) || !plainName(im.Name) {
			conflict[im.Name] = true
			continue
		}
		candidates[im.Name] = im
	}
	var out []kustomize.Image
	for _, name := range slices.Sorted(maps.Keys(candidates)) {
		im := candidates[name]
		if conflict[name] {
			continue
		}
		consistent := true
		for _, c := range all {
			if imageMatches(c.before, name) && applyImage(c.before, im) != c.after {
				consistent = false
				break
			}
		}
		if consistent {
			out = append(out, im)
		}
	}
	return out
}

// plainName accepts image names whose only regular-expression
// metacharacter is the dot of a host name: kustomize compiles the name as a
// pattern, and the check of every occurrence guards what a dot could match.
func plainName(s string) bool {
	return regexp.MustCompile(`^[a-zA-Z0-9._/:-]+$`).MatchString(s)
}

// deriveLabels returns the labels every document's metadata ends up with,
// with the same value, that some document did not have before: those are
// what spec.commonMetadata.labels reproduces exactly.
func deriveLabels(docs []Doc) map[string]string {
	if len(docs) == 0 {
		return nil
	}
	common := maps.Clone(docs[0].After.GetLabels())
	for _, d := range docs[1:] {
		l := d.After.GetLabels()
		for k, v := range common {
			if l[k] != v {
				delete(common, k)
			}
		}
	}
	for k, v := range common {
		added := false
		for _, d := range docs {
			if bv, ok := d.Before.GetLabels()[k]; !ok || bv != v {
				added = true
				break
			}
		}
		if !added {
			delete(common, k)
		}
	}
	if len(common) == 0 {
		return nil
	}
	return common
}

// expected is what a document's patch must produce: After, less what the
// images entries and the common labels will do after the patch.
func expected(d Doc, images []kustomize.Image, labels map[string]string) *yaml.RNode {
	t := d.After.Copy()
	for _, o := range imageOccurrences(d.Before) {
		for _, im := range images {
			if imageMatches(o.value, im.Name) {
				if n := at(t.YNode(), o.path); n != nil && n.Kind == yaml.ScalarNode {
					n.Value = o.value
				}
				break
			}
		}
	}
	if len(labels) > 0 {
		before := d.Before.GetLabels()
		l := t.GetLabels()
		for k := range labels {
			if v, ok := before[k]; ok {
				l[k] = v
			} else {
				delete(l, k)
			}
		}
		if len(l) == 0 && len(before) == 0 {
			_ = t.PipeE(yaml.Lookup("metadata"), yaml.Clear("labels"))
		} else {
			_ = t.SetLabels(l)
		}
	}
	return t
}

// patchFor wraps a diff into a patch for the document: apiVersion, kind and
// metadata.name (and namespace) as kustomize needs them, targeted by kind,
// name and namespace.
func patchFor(doc *yaml.RNode, diff *yaml.Node) (kustomize.Patch, error) {
	body := yaml.NewRNode(diff)
	if err := body.PipeE(yaml.SetField("kind", yaml.NewScalarRNode(doc.GetKind()))); err != nil {
		return kustomize.Patch{}, err
	}
	if err := body.PipeE(yaml.SetField("apiVersion", yaml.NewScalarRNode(doc.GetApiVersion()))); err != nil {
		return kustomize.Patch{}, err
	}
	meta, err := body.Pipe(yaml.LookupCreate(yaml.MappingNode, "metadata"))
	if err != nil {
		return kustomize.Patch{}, err
	}
	if err := meta.PipeE(yaml.SetField("name", yaml.NewScalarRNode(doc.GetName()))); err != nil {
		return kustomize.Patch{}, err
	}
	sel := &kustomize.Selector{Kind: doc.GetKind(), Name: regexp.QuoteMeta(doc.GetName())}
	if ns := doc.GetNamespace(); ns != "" {
		if err := meta.PipeE(yaml.SetField("namespace", yaml.NewScalarRNode(ns))); err != nil {
			return kustomize.Patch{}, err
		}
		sel.Namespace = regexp.QuoteMeta(ns)
	}
	reorder(body.YNode(), "apiVersion", "kind", "metadata")
	reorder(meta.YNode(), "name", "namespace")
	b, err := stream.Encode(body.YNode(), string(yaml.CompactSequenceStyle))
	if err != nil {
		return kustomize.Patch{}, fmt.Errorf("encoding the patch of %s: %w", idOf(doc), err)
	}
	return kustomize.Patch{Patch: string(b), Target: sel}, nil
}

// reorder moves the given keys to the front of a mapping, in that order.
func reorder(m *yaml.Node, keys ...string) {
	type kv struct{ k, v *yaml.Node }
	var pairs []kv
	for i := 0; i+1 < len(m.Content); i += 2 {
		pairs = append(pairs, kv{m.Content[i], m.Content[i+1]})
	}
	rank := func(k string) int {
		if i := slices.Index(keys, k); i >= 0 {
			return i
		}
		return len(keys)
	}
	sort.SliceStable(pairs, func(i, j int) bool { return rank(pairs[i].k.Value) < rank(pairs[j].k.Value) })
	m.Content = m.Content[:0]
	for _, p := range pairs {
		m.Content = append(m.Content, p.k, p.v)
	}
}

func idOf(n *yaml.RNode) string {
	if ns := n.GetNamespace(); ns != "" {
		return n.GetKind() + " " + ns + "/" + n.GetName()
	}
	return n.GetKind() + " " + n.GetName()
}
