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
		if got := Scalar(Path(root, tc.path...)); got != tc.want {
			t.Errorf("%v = %q, want %q", tc.path, got, tc.want)
		}
	}
	if Field(nil, "x") != nil || Deref(nil) != nil {
		t.Error("nil nodes")
	}
	if Path(root) != root {
		t.Error("an empty path is the node itself")
	}
}

// TestLookup: the key and value nodes as they stand, aliases not followed,
// so that a caller can edit the mapping.
func TestLookup(t *testing.T) {
	root := yaml.MustParse("base: &b {name: web}\nref: *b\n").YNode()
	k, v := Lookup(root, "ref")
	if k == nil || k.Value != "ref" || v == nil || v.Kind != yaml.AliasNode {
		t.Fatalf("Lookup(ref) = %v, %v; want the key and the alias node", k, v)
	}
	if k, v := Lookup(root, "missing"); k != nil || v != nil {
		t.Error("a missing key must give nils")
	}
	if k, v := Lookup(v, "name"); k != nil || v != nil {
		t.Error("an alias is not a mapping to Lookup")
	}
	if k, v := Lookup(nil, "x"); k != nil || v != nil {
		t.Error("nil node")
	}
	if i := Index(root, "ref"); i != 2 || root.Content[i] != k {
		t.Errorf("Index(ref) = %d, want 2, the key node's position", i)
	}
	if Index(root, "missing") != -1 || Index(v, "name") != -1 || Index(nil, "x") != -1 {
		t.Error("Index must be -1 for a missing key, a non-mapping or nil")
	}
}

func TestEqual(t *testing.T) {
	for _, tc := range []struct {
		name, a, b       string
		equal, equalJSON bool
	}{
		{"same scalar", "a", "a", true, true},
		{"other text", "a", "b", false, false},
		{"string and number", `"1"`, "1", false, false},
		{"numbers by text or by value", "1", "1.0", false, true},
		{"number forms", "10", "1e1", false, true},
		{"bools", "true", "true", true, true},
		{"style does not count", `'a'`, `"a"`, true, true},
		{"comments do not count", "a # note", "a", true, true},
		{"key order does not count", "{a: 1, b: 2}", "{b: 2, a: 1}", true, true},
		{"a missing key", "{a: 1, b: 2}", "{a: 1, c: 2}", false, false},
		{"a key more", "{a: 1}", "{a: 1, b: 2}", false, false},
		{"nested values", "{a: [1, {b: x}]}", "{a: [1, {b: y}]}", false, false},
		{"nested numbers", "{a: [1, {b: 2}]}", "{a: [1.0, {b: 2.0}]}", false, true},
		{"list order counts", "[a, b]", "[b, a]", false, false},
		{"list length counts", "[a]", "[a, a]", false, false},
		{"kinds differ", "[a]", "{a: b}", false, false},
		{"null and empty string", "null", `""`, false, false},
		{"multi-byte text", "名前", "名前", true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a, b := yaml.MustParse(tc.a).YNode(), yaml.MustParse(tc.b).YNode()
			if got := Equal(a, b); got != tc.equal {
				t.Errorf("Equal(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.equal)
			}
			if got := EqualJSON(a, b); got != tc.equalJSON {
				t.Errorf("EqualJSON(%s, %s) = %v, want %v", tc.a, tc.b, got, tc.equalJSON)
			}
			if Equal(a, b) != Equal(b, a) || EqualJSON(a, b) != EqualJSON(b, a) {
				t.Error("equality must be symmetric")
			}
		})
	}
	if !Equal(nil, nil) || Equal(nil, &yaml.Node{}) || EqualJSON(&yaml.Node{}, nil) {
		t.Error("nil nodes are equal only to nil")
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
