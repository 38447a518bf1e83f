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
