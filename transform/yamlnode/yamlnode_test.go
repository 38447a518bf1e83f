package yamlnode

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestLookups(t *testing.T) {
	root := yaml.MustParse("base: &b {name: web, image: nginx}\nref: *b\nempty: null\nlist: [a]\n").YNode()
	for _, tc := range []struct {
		path []string
		want string
	}{
		{[]string{"base", "name"}, "web"},
		{[]string{"ref", "image"}, "nginx"}, // through the alias
		{[]string{"empty"}, ""},
		{[]string{"list"}, ""},
		{[]string{"missing", "x"}, ""},
		{[]string{"list", "x"}, ""},
	} {
		n := root
		for _, k := range tc.path {
			n = Field(n, k)
		}
		if got := Scalar(n); got != tc.want {
			t.Errorf("%v = %q, want %q", tc.path, got, tc.want)
		}
	}
	if Field(nil, "x") != nil || Deref(nil) != nil {
		t.Error("nil nodes")
	}
}

// TestIsNilMap: the Kyverno CLI's map fields, when null, and nothing else.
func TestIsNilMap(t *testing.T) {
	null := &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagNull, Value: ""}
	for _, tc := range []struct {
		key  string
		v    *yaml.Node
		want bool
	}{
		{"annotations", null, true},
		{"labels", null, true},
		{"matchLabels", null, true},
		{"nodeSelector", null, true},
		{"data", null, true},
		{"stringData", null, true},
		{"securityContext", null, false},
		{"Annotations", null, false},
		{"annotations", nil, false},
		{"annotations", &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap}, false},
		{"annotations", &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: "null"}, false},
	} {
		if got := IsNilMap(tc.key, tc.v); got != tc.want {
			t.Errorf("IsNilMap(%q, %v) = %v, want %v", tc.key, tc.v, got, tc.want)
		}
	}
}
