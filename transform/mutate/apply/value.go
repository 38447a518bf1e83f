package apply

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// maxDepth bounds the nesting of a resource read into unstructured form.
const maxDepth = 10000

// fromNode reads a YAML node as the unstructured value the API server
// would decode from it: map[string]any, []any, string, int64, float64,
// bool and nil. Aliases are resolved.
func fromNode(n *yaml.Node, depth int) (any, error) {
	if depth > maxDepth {
		return nil, fmt.Errorf("YAML nested deeper than %d levels", maxDepth)
	}
	switch n.Kind {
	case yaml.DocumentNode:
		if len(n.Content) == 0 {
			return nil, nil
		}
		return fromNode(n.Content[0], depth+1)
	case yaml.AliasNode:
		if n.Alias == nil {
			return nil, nil
		}
		return fromNode(n.Alias, depth+1)
	case yaml.MappingNode:
		m := make(map[string]any, len(n.Content)/2)
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			if k.Kind == yaml.AliasNode && k.Alias != nil {
				k = k.Alias
			}
			v, err := fromNode(n.Content[i+1], depth+1)
			if err != nil {
				return nil, err
			}
			m[k.Value] = v
		}
		return m, nil
	case yaml.SequenceNode:
		a := make([]any, 0, len(n.Content))
		for _, c := range n.Content {
			v, err := fromNode(c, depth+1)
			if err != nil {
				return nil, err
			}
			a = append(a, v)
		}
		return a, nil
	case yaml.ScalarNode:
		return scalar(n), nil
	}
	return nil, nil
}

// scalar is the value of a scalar node as YAML 1.2 (sigs.k8s.io/yaml, the
// API server's reader) decodes it; integers stay int64.
func scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case yaml.NodeTagNull:
		return nil
	case yaml.NodeTagBool:
		return strings.EqualFold(n.Value, "true")
	case yaml.NodeTagInt:
		s := strings.ReplaceAll(n.Value, "_", "")
		if i, err := strconv.ParseInt(s, 0, 64); err == nil {
			return i
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
	case yaml.NodeTagFloat:
		s := strings.ToLower(strings.ReplaceAll(n.Value, "_", ""))
		switch s {
		case ".inf", "+.inf":
			return math.Inf(1)
		case "-.inf":
			return math.Inf(-1)
		case ".nan":
			return math.NaN()
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
	}
	return n.Value
}

// sameScalar reports whether scalar node n already holds value v.
func sameScalar(n *yaml.Node, v any) bool {
	old := scalar(n)
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
