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
	n = Deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return Deref(n.Content[i+1])
		}
	}
	return nil
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
