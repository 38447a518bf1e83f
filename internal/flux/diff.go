package flux

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/listmerge"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// strategicDiff returns the strategic merge patch that turns before into
// after, or nil when they are equal. Lists merge by the key kustomize's
// merge uses for them (the Kubernetes OpenAPI patch merge key, e.g. a
// container's name); other lists are replaced whole. A field after no longer
// has is set to null.
func strategicDiff(before, after *yaml.RNode) *yaml.Node {
	return diffMap(before.YNode(), after.YNode(), listmerge.For(after.GetApiVersion(), after.GetKind()))
}

func diffValue(b, a *yaml.Node, s listmerge.Schema) *yaml.Node {
	if sameTree(b, a) {
		return nil
	}
	switch {
	case b.Kind == yaml.MappingNode && a.Kind == yaml.MappingNode:
		return diffMap(b, a, s)
	case b.Kind == yaml.SequenceNode && a.Kind == yaml.SequenceNode:
		return diffSeq(b, a, s)
	}
	return deepCopy(a)
}

func diffMap(b, a *yaml.Node, s listmerge.Schema) *yaml.Node {
	out := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}
	for i := 0; i+1 < len(a.Content); i += 2 {
		k, av := a.Content[i], a.Content[i+1]
		fs := s.Field(k.Value)
		bv := yamlnode.Field(b, k.Value)
		var d *yaml.Node
		if bv == nil {
			d = deepCopy(av)
		} else {
			d = diffValue(bv, av, fs)
		}
		if d != nil {
			out.Content = append(out.Content, deepCopy(k), d)
		}
	}
	for i := 0; i+1 < len(b.Content); i += 2 {
		if yamlnode.Field(a, b.Content[i].Value) == nil {
			out.Content = append(out.Content, deepCopy(b.Content[i]), &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"})
		}
	}
	if len(out.Content) == 0 {
		return nil
	}
	return out
}

// diffSeq diffs a list element by element when kustomize merges it by key,
// and replaces it otherwise.
func diffSeq(b, a *yaml.Node, s listmerge.Schema) *yaml.Node {
	key := s.MergeKey()
	if key == "" || !keyed(a, key) || !keyed(b, key) {
		return deepCopy(a)
	}
	es := s.Elements()
	out := &yaml.Node{Kind: yaml.SequenceNode, Tag: "!!seq"}
	for _, ae := range a.Content {
		kv := yamlnode.Field(ae, key).Value
		be := elementBy(b, key, kv)
		if be == nil {
			out.Content = append(out.Content, deepCopy(ae))
			continue
		}
		if d := diffMap(be, ae, es); d != nil {
			d.Content = append([]*yaml.Node{scalar(key), deepCopy(yamlnode.Field(ae, key))}, d.Content...)
			out.Content = append(out.Content, d)
		}
	}
	for _, be := range b.Content {
		kv := yamlnode.Field(be, key).Value
		if elementBy(a, key, kv) == nil {
			out.Content = append(out.Content, &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map",
				Content: []*yaml.Node{scalar(key), deepCopy(yamlnode.Field(be, key)), scalar("$patch"), scalar("delete")}})
		}
	}
	if len(out.Content) == 0 {
		return nil
	}
	return out
}

// keyed reports whether every element is a mapping with a distinct scalar
// value for key.
func keyed(n *yaml.Node, key string) bool {
	seen := map[string]bool{}
	for _, e := range n.Content {
		v := yamlnode.Field(e, key)
		if v == nil || v.Kind != yaml.ScalarNode || seen[v.Value] {
			return false
		}
		seen[v.Value] = true
	}
	return true
}

func elementBy(n *yaml.Node, key, value string) *yaml.Node {
	for _, e := range n.Content {
		if v := yamlnode.Field(e, key); v != nil && v.Value == value {
			return e
		}
	}
	return nil
}

func scalar(v string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: v}
}

func deepCopy(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	c.HeadComment, c.LineComment, c.FootComment = "", "", ""
	c.Content = make([]*yaml.Node, len(n.Content))
	for i, x := range n.Content {
		c.Content[i] = deepCopy(x)
	}
	return &c
}
