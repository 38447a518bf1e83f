package yamlnode

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// MaxDepth is how deep a tree Value converts; deeper is an error.
const MaxDepth = 10000

// Decoder says how Value converts a tree: Scalar gives a scalar's value
// (the number types differ between JMESPath, float64, and CEL, int64),
// and EmptyNilMaps makes a null map field a resource reads as a map
// (IsNilMap) an empty map, as the Kyverno CLI reads a resource.
type Decoder struct {
	Scalar       func(*yaml.Node) any
	EmptyNilMaps bool
}

// Value converts a YAML tree to a JSON-like value: map[string]any, []any
// and the scalars the Decoder gives. Aliases are resolved; merge keys
// ("<<") are kept as plain keys; a nil node is nil.
func (d Decoder) Value(n *yaml.Node) (any, error) { return d.value(n, 0) }

func (d Decoder) value(n *yaml.Node, depth int) (any, error) {
	if n == nil {
		return nil, nil
	}
	if depth > MaxDepth {
		return nil, fmt.Errorf("YAML nested deeper than %d levels", MaxDepth)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return d.value(n.Content[0], depth+1)
	case yaml.AliasNode:
		return d.value(n.Alias, depth+1)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if dk := Deref(k); dk != nil {
				k = dk
			}
			if d.EmptyNilMaps && IsNilMap(k.Value, Deref(n.Content[i+1])) {
				m[k.Value] = map[string]any{}
				continue
			}
			v, err := d.value(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		l := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := d.value(c, depth+1)
			if err != nil {
				return nil, err
			}
			l = append(l, v)
		}
		return l, nil
	case yaml.ScalarNode:
		return d.Scalar(n), nil
	}
	return nil, nil
}
