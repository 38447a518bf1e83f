package yamlnode

import "sigs.k8s.io/kustomize/kyaml/yaml"

// maxAliasChain bounds alias-to-alias chains (the stream reader has already
// rejected alias bombs; this only stops a cycle).
const maxAliasChain = 16

// Deref follows aliases to the node they name.
func Deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < maxAliasChain; i++ {
		n = n.Alias
	}
	return n
}

// Field returns the value of key in mapping n, aliases followed on both
// sides, or nil when n is not a mapping or has no such key.
func Field(n *yaml.Node, key string) *yaml.Node {
	_, v := Lookup(Deref(n), key)
	return Deref(v)
}

// Lookup returns the key and value nodes of field key in mapping m as they
// stand (aliases not followed), for callers that edit the mapping; nils when
// m is not a mapping or has no such key.
func Lookup(m *yaml.Node, key string) (k, v *yaml.Node) {
	if i := Index(m, key); i >= 0 {
		return m.Content[i], m.Content[i+1]
	}
	return nil, nil
}

// Index returns the position of field key's key node in mapping m's
// Content (its value is at Index+1), for callers that replace or remove the
// field; -1 when m is not a mapping or has no such key.
func Index(m *yaml.Node, key string) int {
	if m == nil || m.Kind != yaml.MappingNode {
		return -1
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return i
		}
	}
	return -1
}

// Path follows Field through nested mappings: Path(n, "spec", "template")
// is n.spec.template, or nil where a step is missing.
func Path(n *yaml.Node, keys ...string) *yaml.Node {
	for _, k := range keys {
		n = Field(n, k)
	}
	return n
}

// Scalar returns the text of a scalar, "" for null, a missing node or a
// collection.
func Scalar(n *yaml.Node) string {
	n = Deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.Tag == yaml.NodeTagNull {
		return ""
	}
	return n.Value
}

// nilMapFields are the fields the Kyverno CLI reads as an empty map when a
// resource gives them no value ("annotations:" with nothing after it, as
// Helm templates often leave), wherever they sit in the resource: its
// normalizeNilMaps (cmd/cli/kubectl-kyverno/resource/resource.go). The API
// server drops such a null map, so a cluster sees no field, which anchors
// and patterns treat alike.
var nilMapFields = map[string]bool{
	"annotations": true, "labels": true, "matchLabels": true, "nodeSelector": true,
	"data": true, "stringData": true,
}

// IsNilMap reports whether value v of field key in a resource is a null
// that Kyverno reads as an empty map.
func IsNilMap(key string, v *yaml.Node) bool {
	return nilMapFields[key] && v != nil && v.Kind == yaml.ScalarNode && v.ShortTag() == yaml.NodeTagNull
}

// Items returns the elements of a sequence, aliases followed; none for a
// missing node or anything else.
func Items(n *yaml.Node) []*yaml.Node {
	n = Deref(n)
	if n == nil || n.Kind != yaml.SequenceNode {
		return nil
	}
	return n.Content
}
