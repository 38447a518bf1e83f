package yamlnode

import (
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Equal reports whether two trees hold the same data: scalars by tag and
// text, sequences in order, mappings without regard to key order; style,
// comments and positions do not count. Two nil nodes are equal.
func Equal(a, b *yaml.Node) bool {
	return equal(a, b, sameScalar)
}

// EqualJSON is Equal with numbers compared by value as JSON compares them
// (1 and 1.0 are equal), which the JSON Patch "test" operation needs.
func EqualJSON(a, b *yaml.Node) bool {
	return equal(a, b, sameJSONScalar)
}

func equal(a, b *yaml.Node, scalar func(a, b *yaml.Node) bool) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind {
		return false
	}
	switch a.Kind {
	case yaml.ScalarNode:
		return scalar(a, b)
	case yaml.SequenceNode:
		if len(a.Content) != len(b.Content) {
			return false
		}
		for i := range a.Content {
			if !equal(a.Content[i], b.Content[i], scalar) {
				return false
			}
		}
		return true
	case yaml.MappingNode:
		if len(a.Content) != len(b.Content) {
			return false
		}
		for i := 0; i+1 < len(a.Content); i += 2 {
			_, bv := Lookup(b, a.Content[i].Value)
			if bv == nil || !equal(a.Content[i+1], bv, scalar) {
				return false
			}
		}
		return true
	}
	return false
}

func sameScalar(a, b *yaml.Node) bool {
	return a.Value == b.Value && a.ShortTag() == b.ShortTag()
}

func sameJSONScalar(a, b *yaml.Node) bool {
	at, bt := a.ShortTag(), b.ShortTag()
	if isNumber(at) && isNumber(bt) {
		af, err1 := strconv.ParseFloat(a.Value, 64)
		bf, err2 := strconv.ParseFloat(b.Value, 64)
		return err1 == nil && err2 == nil && af == bf
	}
	return at == bt && a.Value == b.Value
}

func isNumber(tag string) bool {
	return tag == yaml.NodeTagInt || tag == yaml.NodeTagFloat
}
