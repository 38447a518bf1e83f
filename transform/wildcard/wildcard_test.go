package wildcard

import (
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern, s string
		want       bool
	}{
		{"*", "", true},
		{"*", "anything", true},
		{"nginx", "nginx", true},
		{"nginx", "nginx2", false},
		{"kube-*", "kube-system", true},
		{"kube-*", "default", false},
		{"*:latest", "nginx:latest", true},
		{"*:latest", "nginx:1.25", false},
		{"?*", "", false},
		{"?*", "a", true},
		{"a?c", "abc", true},
		{"a?c", "ac", false},
		{"*a*b*", "xxaxxbxx", true},
		{"*a*b*", "xxbxxaxx", false},
		{"registry.local/*", "registry.local/nginx:1", true},
	}
	for _, tt := range tests {
		if got := Match(tt.pattern, tt.s); got != tt.want {
			t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
		}
	}
}

func TestMatchHostile(t *testing.T) {
	p := strings.Repeat("*a", 200) + "b"
	s := strings.Repeat("a", 5000)
	if Match(p, s) {
		t.Fatal("unexpected match")
	}
}

func FuzzMatch(f *testing.F) {
	f.Add("*a?", "bac")
	f.Fuzz(func(t *testing.T, p, s string) {
		if len(p) > 200 || len(s) > 2000 {
			return
		}
		if !Match("*", s) {
			t.Fatal("* must match everything")
		}
		if !Contains(p) && Match(p, s) != (p == s) {
			t.Fatal("literal pattern must compare equal")
		}
		_ = Match(p, s)
	})
}
