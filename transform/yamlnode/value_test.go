package yamlnode

import (
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestDecoderValue(t *testing.T) {
	str := func(n *yaml.Node) any { return n.Value }
	for _, tc := range []struct {
		name, in string
		d        Decoder
		want     any
	}{
		{"scalars through Scalar", "a: 1\nb: [x, y]\n", Decoder{Scalar: str}, map[string]any{"a": "1", "b": []any{"x", "y"}}},
		{"aliases resolved, keys too", "k: &k key\nv: &v [1]\n*k : *v\n", Decoder{Scalar: str}, map[string]any{"k": "key", "v": []any{"1"}, "key": []any{"1"}}},
		{"null map kept null", "metadata:\n  labels:\n", Decoder{Scalar: func(*yaml.Node) any { return nil }}, map[string]any{"metadata": map[string]any{"labels": nil}}},
		{"null map read as a resource's", "metadata:\n  labels:\n", Decoder{Scalar: func(*yaml.Node) any { return nil }, EmptyNilMaps: true}, map[string]any{"metadata": map[string]any{"labels": map[string]any{}}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var n yaml.Node
			if err := yaml.Unmarshal([]byte(tc.in), &n); err != nil {
				t.Fatal(err)
			}
			got, err := tc.d.Value(&n)
			if err != nil || !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Value = %#v, %v; want %#v", got, err, tc.want)
			}
		})
	}
	deep := &yaml.Node{Kind: yaml.SequenceNode}
	for n, i := deep, 0; i <= MaxDepth; i++ {
		c := &yaml.Node{Kind: yaml.SequenceNode}
		n.Content = []*yaml.Node{c}
		n = c
	}
	if _, err := (Decoder{}).Value(deep); err == nil || !strings.Contains(err.Error(), "nested deeper") {
		t.Errorf("a tree deeper than MaxDepth: %v, want an error", err)
	}
	if v, err := (Decoder{}).Value(nil); v != nil || err != nil {
		t.Errorf("Value(nil) = %v, %v", v, err)
	}
}
