package apply

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/cel"
)

// maxDepth bounds the nesting written back.
const maxDepth = 10000

// sameScalar reports whether scalar node n already holds value v.
func sameScalar(n *yaml.Node, v any) bool {
	old, err := cel.FromNode(n)
	if err != nil {
		return false
	}
	switch t := v.(type) {
	case int:
		v = int64(t)
	case int32:
		v = int64(t)
	case float64:
		// JSON has one number type: 2.0 and 2 are the same number.
		if i, ok := old.(int64); ok {
			return float64(i) == t
		}
	case int64:
		if f, ok := old.(float64); ok {
			return float64(t) == f
		}
	}
	return old == v
}
