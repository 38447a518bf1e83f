package variables

import (
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/yamlnode"
)

// FromRNode converts a YAML tree to the JSON-like value JMESPath works on:
// map[string]interface{}, []interface{}, string, float64, bool and nil.
// Numbers become float64 as they do when Kyverno decodes JSON. Aliases are
// resolved; merge keys ("<<") are kept as plain keys.
func FromRNode(n *yaml.RNode) (interface{}, error) {
	if n == nil || n.YNode() == nil {
		return nil, nil
	}
	return jmespathValues.Value(n.YNode())
}

// FromResource is FromRNode for a resource: a null "annotations",
// "labels", "matchLabels", "nodeSelector", "data" or "stringData" becomes
// an empty map, as the Kyverno CLI reads it (yamlnode.IsNilMap).
func FromResource(n *yaml.RNode) (interface{}, error) {
	if n == nil || n.YNode() == nil {
		return nil, nil
	}
	return resourceValues.Value(n.YNode())
}

// jmespathValues reads numbers as float64, as Kyverno decodes JSON;
// resourceValues also reads a resource's null maps as empty ones.
var (
	jmespathValues = yamlnode.Decoder{Scalar: scalarValue}
	resourceValues = yamlnode.Decoder{Scalar: scalarValue, EmptyNilMaps: true}
)

func scalarValue(n *yaml.Node) interface{} {
	switch n.ShortTag() {
	case yaml.NodeTagString:
		return n.Value
	case yaml.NodeTagNull:
		return nil
	case yaml.NodeTagBool:
		switch strings.ToLower(n.Value) {
		case "true", "yes", "on", "y":
			return true
		}
		return false
	case yaml.NodeTagInt:
		s := strings.ReplaceAll(n.Value, "_", "")
		if i, err := strconv.ParseInt(s, 0, 64); err == nil {
			return float64(i)
		}
		if u, err := strconv.ParseUint(s, 0, 64); err == nil {
			return float64(u)
		}
		if f, err := strconv.ParseFloat(s, 64); err == nil {
			return f
		}
		return n.Value
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
		return n.Value
	}
	return n.Value
}

// ToRNode converts a JSON-like value to YAML. Object keys are sorted, as
// Kyverno's JSON encoding sorts them.
func ToRNode(v interface{}) (*yaml.RNode, error) {
	n, err := toNode(v, 0)
	if err != nil {
		return nil, err
	}
	return yaml.NewRNode(n), nil
}

func toNode(v interface{}, depth int) (*yaml.Node, error) {
	if depth > yamlnode.MaxDepth {
		return nil, fmt.Errorf("value nested deeper than %d levels", yamlnode.MaxDepth)
	}
	switch t := v.(type) {
	case nil:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagNull, Value: "null"}, nil
	case string:
		return stringNode(t), nil
	case bool:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagBool, Value: strconv.FormatBool(t)}, nil
	case float64:
		return numberNode(t), nil
	case int:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagInt, Value: strconv.Itoa(t)}, nil
	case int64:
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagInt, Value: strconv.FormatInt(t, 10)}, nil
	case []interface{}:
		n := &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq}
		for _, e := range t {
			c, err := toNode(e, depth+1)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, c)
		}
		return n, nil
	case map[string]interface{}:
		n := &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap}
		keys := make([]string, 0, len(t))
		for k := range t {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			c, err := toNode(t[k], depth+1)
			if err != nil {
				return nil, err
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: k}, c)
		}
		return n, nil
	}
	// Anything else (typed slices from custom functions, say) goes
	// through JSON.
	b, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("cannot convert %T to YAML: %w", v, err)
	}
	var u interface{}
	if err := json.Unmarshal(b, &u); err != nil {
		return nil, fmt.Errorf("cannot convert %T to YAML: %w", v, err)
	}
	return toNode(u, depth+1)
}

// stringNode returns a string scalar, double-quoted when YAML 1.1 readers
// (kubectl, Helm) would take it for something else, such as "yes".
func stringNode(s string) *yaml.Node {
	n := &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: s}
	if mayReadAsNonString(s) && readsAsNonString(s) {
		n.Style = yaml.DoubleQuotedStyle
	}
	return n
}

// nonString remembers kyaml's YAML 1.1 verdict (a parse) for the short
// strings a mutation writes again and again ("100m", "128Mi"); at most
// maxNonString of them, so a hostile stream cannot grow it.
var (
	nonString      sync.Map
	nonStringCount atomic.Int64
)

const maxNonString, maxNonStringLen = 4096, 64

// readsAsNonString is yaml.IsYaml1_1NonString of a plain scalar s.
func readsAsNonString(s string) bool {
	if len(s) > maxNonStringLen {
		return yaml.IsValueNonString(s)
	}
	if v, ok := nonString.Load(s); ok {
		return v.(bool)
	}
	v := yaml.IsValueNonString(s)
	if nonStringCount.Add(1) <= maxNonString {
		nonString.Store(strings.Clone(s), v)
	}
	return v
}

func numberNode(f float64) *yaml.Node {
	if f == math.Trunc(f) && math.Abs(f) < 1e15 {
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagInt, Value: strconv.FormatInt(int64(f), 10)}
	}
	switch {
	case math.IsInf(f, 1):
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagFloat, Value: ".inf"}
	case math.IsInf(f, -1):
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagFloat, Value: "-.inf"}
	case math.IsNaN(f):
		return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagFloat, Value: ".nan"}
	}
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagFloat, Value: strconv.FormatFloat(f, 'g', -1, 64)}
}

// toText renders a value for string interpolation: strings as they are,
// anything else as JSON, as Kyverno does.
func toText(v interface{}) (string, error) {
	if s, ok := v.(string); ok {
		return s, nil
	}
	b, err := json.Marshal(v)
	if err != nil {
		return "", fmt.Errorf("failed to marshal %T: %w", v, err)
	}
	return string(b), nil
}

// mayReadAsNonString is a cheap filter before kyaml's IsYaml1_1NonString,
// which parses the value with a YAML 1.1 decoder. A plain word that starts
// with a letter, "/" or "_" and holds only letters, digits and "_./:@=-"
// (image references, names, paths), with no ":" at its end, always reads back as a string unless it
// is one of YAML 1.1's boolean and null words; anything else is checked.
func mayReadAsNonString(s string) bool {
	if s == "" {
		return false
	}
	if !startsPlain(s[0]) {
		return true
	}
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9':
		case c == '_', c == '.', c == '/', c == '@', c == '=', c == '-':
		case c == ':' && i+1 < len(s): // "a:" is a map key
		default:
			return true
		}
	}
	switch strings.ToLower(s) {
	case "y", "yes", "n", "no", "true", "false", "on", "off", "null":
		return true
	}
	return false
}

// startsPlain reports whether c, first in a scalar, leaves it a string
// whatever follows: a letter, "/" or "_".
func startsPlain(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '/' || c == '_'
}
