package pattern

import (
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/wildcard"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// maxAliasHops bounds how many alias nodes deref follows in a row.
const maxAliasHops = 64

// deref follows document and alias nodes to the node holding the data. It
// returns nil for nil input and for alias chains that are broken or too long.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && i < maxAliasHops; i++ {
		switch n.Kind {
		case yaml.AliasNode:
			n = n.Alias
		case yaml.DocumentNode:
			if len(n.Content) == 0 {
				return nil
			}
			n = n.Content[0]
		default:
			return n
		}
	}
	return nil
}

// valueKind is the JSON type a scalar has once Kubernetes decodes it.
type valueKind uint8

const (
	kindMissing valueKind = iota
	kindNull
	kindBool
	kindInt
	kindFloat
	kindString
	kindMap
	kindList
)

// kindOf classifies a dereferenced node. nil means the field is absent.
func kindOf(n *yaml.Node) valueKind {
	if n == nil {
		return kindMissing
	}
	switch n.Kind {
	case yaml.MappingNode:
		return kindMap
	case yaml.SequenceNode:
		return kindList
	case yaml.ScalarNode:
		switch n.ShortTag() {
		case "!!null":
			return kindNull
		case "!!bool":
			if _, ok := parseBool(n.Value); ok {
				return kindBool
			}
		case "!!int":
			if _, ok := parseInt(n.Value); ok {
				return kindInt
			}
			if _, ok := parseFloat(n.Value); ok {
				return kindFloat
			}
		case "!!float":
			if _, ok := parseFloat(n.Value); ok {
				return kindFloat
			}
		}
		return kindString
	}
	return kindNull
}

func parseBool(s string) (bool, bool) {
	switch s {
	case "true", "True", "TRUE":
		return true, true
	case "false", "False", "FALSE":
		return false, true
	}
	return false, false
}

func parseInt(s string) (int64, bool) {
	if strings.Contains(s, "_") {
		s = strings.ReplaceAll(s, "_", "")
	}
	if strings.HasPrefix(s, "0o") || strings.HasPrefix(s, "+0o") || strings.HasPrefix(s, "-0o") {
		s = strings.Replace(s, "0o", "0", 1)
	}
	v, err := strconv.ParseInt(s, 0, 64)
	return v, err == nil
}

func parseFloat(s string) (float64, bool) {
	switch s {
	case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", "-.inf", "-.Inf", "-.INF", ".nan", ".NaN", ".NAN":
		// JSON has no infinities or NaN; Kubernetes would reject these.
		return 0, false
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(s, "_", ""), 64)
	return v, err == nil
}

// lookup finds key in a mapping node, honouring YAML merge keys ("<<") the
// way a JSON conversion of the document would: explicit keys win over merged
// ones, earlier merge sources over later ones. The returned node is
// dereferenced; present reports whether the key exists at all (its value may
// still be null).
func lookup(m *yaml.Node, key string) (val *yaml.Node, present bool) {
	return lookupDepth(m, key, 0)
}

func lookupDepth(m *yaml.Node, key string, depth int) (*yaml.Node, bool) {
	hasMerge := false
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if k.Value == key && !isMergeKey(k) {
			v := deref(m.Content[i+1])
			if v == nil {
				// A broken alias: treat the field as null.
				return nullNode, true
			}
			if yamlnode.IsNilMap(key, v) {
				return emptyMapNode, true
			}
			return v, true
		}
		if isMergeKey(k) {
			hasMerge = true
		}
	}
	if !hasMerge || depth >= maxAliasHops {
		return nil, false
	}
	for _, src := range mergeSources(m) {
		if v, ok := lookupDepth(src, key, depth+1); ok {
			return v, true
		}
	}
	return nil, false
}

// mergeSources returns the mappings m's merge keys ("<<: *a" or
// "<<: [*a, *b]") pull in, aliases followed, in the order they are given.
func mergeSources(m *yaml.Node) []*yaml.Node {
	var out []*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if !isMergeKey(m.Content[i]) {
			continue
		}
		src := deref(m.Content[i+1])
		if src == nil {
			continue
		}
		srcs := []*yaml.Node{src}
		if src.Kind == yaml.SequenceNode {
			srcs = src.Content
		}
		for _, s := range srcs {
			if s = deref(s); s != nil && s.Kind == yaml.MappingNode {
				out = append(out, s)
			}
		}
	}
	return out
}

// firstKeyMatching returns the first key of a mapping (merge sources
// included) that matches the wildcard pattern p.
func firstKeyMatching(m *yaml.Node, p string) (string, bool) {
	return firstKeyDepth(m, p, 0)
}

func firstKeyDepth(m *yaml.Node, p string, depth int) (string, bool) {
	for i := 0; i+1 < len(m.Content); i += 2 {
		k := m.Content[i]
		if !isMergeKey(k) && wildcard.Match(p, k.Value) {
			return k.Value, true
		}
	}
	if depth >= maxAliasHops {
		return "", false
	}
	for _, s := range mergeSources(m) {
		if k, ok := firstKeyDepth(s, p, depth+1); ok {
			return k, true
		}
	}
	return "", false
}

func isMergeKey(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Value == "<<" && (k.Tag == "!!merge" || k.Tag == "tag:yaml.org,2002:merge" || (k.Tag == "" && k.Style == 0))
}

// emptyMapNode stands for "annotations:" and the other fields Kyverno reads
// as an empty map when they are null (yamlnode.IsNilMap). Never changed.
var emptyMapNode = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map"}

// nullNode stands for a field whose value cannot be resolved.
var nullNode = &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}
