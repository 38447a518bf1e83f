package cel

import (
	"math"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/yamlnode"
)

// decoder reads numbers as the API server decodes JSON.
var decoder = yamlnode.Decoder{Scalar: scalar}

// FromNode converts a YAML tree to the value the API server decodes from
// the same JSON: integers int64, other numbers float64, and maps, lists,
// strings, booleans and null. Aliases are resolved.
func FromNode(n *yaml.Node) (any, error) {
	return decoder.Value(n)
}

func scalar(n *yaml.Node) any {
	switch n.ShortTag() {
	case "!!null":
		return nil
	case "!!bool":
		b, err := strconv.ParseBool(strings.ToLower(n.Value))
		if err != nil {
			return n.Value
		}
		return b
	case "!!int":
		if i, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err == nil {
			return i
		}
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			return f
		}
	case "!!float":
		if f, err := strconv.ParseFloat(n.Value, 64); err == nil {
			if f == math.Trunc(f) && !strings.ContainsAny(n.Value, ".eE") && math.Abs(f) < 1<<53 {
				return int64(f)
			}
			return f
		}
	}
	return n.Value
}
