package transform

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/variables"
)

// TestMemo checks that a memo compiles once per set of variable values and
// that what it returns is what those values substitute to.
func TestMemo(t *testing.T) {
	tmpl, err := variables.Compile(yaml.MustParse("image: '{{ registry }}/*'\n"))
	if err != nil {
		t.Fatal(err)
	}
	var m memo[string]
	compiles := 0
	compile := func(n *yaml.RNode) (string, error) {
		compiles++
		return n.MustString(), nil
	}
	ctx := func(registry string) *variables.Context {
		c := variables.NewContext()
		c.Set("registry", registry)
		return c
	}
	for _, tc := range []struct {
		registry, want string
		compiles       int
	}{
		{"a.example", "image: 'a.example/*'\n", 1},
		{"a.example", "image: 'a.example/*'\n", 1},
		{"b.example", "image: 'b.example/*'\n", 2},
		{"a.example", "image: 'a.example/*'\n", 2},
	} {
		got, err := m.get(tmpl, ctx(tc.registry), compile)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want || compiles != tc.compiles {
			t.Errorf("%s: %q after %d compiles, want %q after %d", tc.registry, got, compiles, tc.want, tc.compiles)
		}
	}
}
