package variables

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestMayReadAsNonStringAgrees(t *testing.T) {
	for _, s := range []string{"", "abc", "nginx:1.27", "Yes", "ON", "0x1F", "1e3", ".inf", "~", "2001-12-14", "12:30", "<<", "null", "NULL", "Off", "y", "-", "a1", "true", "FALSE"} {
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: s}
		if yaml.IsYaml1_1NonString(n) && !mayReadAsNonString(s) {
			t.Errorf("%q reads as a non-string but the filter lets it through", s)
		}
	}
}

// The filter may let strings through that need no quotes, never the reverse.
func FuzzMayReadAsNonString(f *testing.F) {
	for _, s := range []string{"yes", "1.5", "abc", "~", ".nan"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: s}
		if yaml.IsYaml1_1NonString(n) && !mayReadAsNonString(s) {
			t.Errorf("%q reads as a non-string but the filter lets it through", s)
		}
	})
}
