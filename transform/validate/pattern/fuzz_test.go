package pattern

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FuzzMatch compiles any pattern and matches it against any resource: it
// must never panic, hang or modify the resource.
func FuzzMatch(f *testing.F) {
	seeds := [][2]string{
		{"spec:\n  containers:\n  - (image): \"*:latest\"\n    imagePullPolicy: \"!IfNotPresent\"\n", "spec:\n  containers:\n  - image: nginx:latest\n    imagePullPolicy: IfNotPresent\n"},
		{"spec:\n  ^(containers):\n  - image: nginx\n", "spec:\n  containers: [{image: nginx}]\n"},
		{"=(spec):\n  X(hostPID): null\n  <(a): 1\n", "spec: {hostPID: true, a: 1}\n"},
		{"m:\n- [a, \"1-3\"]\n", "m:\n- [a, 2]\n"},
		{"metadata:\n  labels:\n    \"app.*\": \"?*\"\n", "x: &a {b: *a}\n"},
		{"a: &x [*x]\n", "b: &y {c: [*y, *y]}\nspec:\n  <<: *y\n"},
	}
	for _, s := range seeds {
		f.Add([]byte(s[0]), []byte(s[1]))
	}
	f.Fuzz(func(t *testing.T, pattern, resource []byte) {
		pn, err := yaml.Parse(string(pattern))
		if err != nil {
			return
		}
		rn, err := yaml.Parse(string(resource))
		if err != nil {
			return
		}
		p, err := Compile(pn)
		if err != nil {
			return
		}
		before, err := rn.String()
		if err != nil {
			return
		}
		r := p.Match(rn)
		switch r.Status {
		case Pass, Fail, Skip:
		default:
			t.Fatalf("bad status %q", r.Status)
		}
		if after, _ := rn.String(); after != before {
			t.Fatalf("Match modified the resource")
		}
	})
}

// FuzzValue parses any scalar pattern and matches it against any value.
func FuzzValue(f *testing.F) {
	for _, s := range [][2]string{
		{"?*", "a"}, {">=2", "3"}, {"1Gi-2Gi", "1536Mi"}, {"1!-3", "5"}, {"!*:latest | a&b", "x"},
		{"<1h", "30m"}, {"-3--1", "-2"}, {"*?*?*?*?*?*?*?a", "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, pattern, actual string) {
		v, err := ParseValue(pattern)
		if err != nil {
			return
		}
		if v.String() != pattern {
			t.Fatalf("String() = %q, want %q", v.String(), pattern)
		}
		v.MatchNode(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: actual})
		v.MatchNode(&yaml.Node{Kind: yaml.ScalarNode, Value: actual})
		v.MatchNode(nil)
		// A literal string always matches itself unless negated or
		// operator-like, so check the literal shortcut holds.
		if !v.MatchNode(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: pattern}) {
			t.Fatalf("pattern %q does not match its own text", pattern)
		}
	})
}
