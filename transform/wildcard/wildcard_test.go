package wildcard

import (
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		name, pattern, s string
		want             bool
	}{
		{"star matches empty", "*", "", true},
		{"star matches anything", "*", "anything", true},
		{"empty matches empty", "", "", true},
		{"empty matches nothing else", "", "a", false},
		{"literal", "nginx", "nginx", true},
		{"literal is not a prefix match", "nginx", "nginx2", false},
		{"trailing star", "kube-*", "kube-system", true},
		{"trailing star needs the prefix", "kube-*", "default", false},
		{"leading star", "*:latest", "nginx:latest", true},
		{"leading star needs the suffix", "*:latest", "nginx:1.25", false},
		{"question mark needs a rune", "?*", "", false},
		{"question mark takes one rune", "?*", "a", true},
		{"question mark in the middle", "a?c", "abc", true},
		{"question mark is not optional", "a?c", "ac", false},
		{"stars in order", "*a*b*", "xxaxxbxx", true},
		{"stars out of order", "*a*b*", "xxbxxaxx", false},
		{"star crosses slashes", "registry.local/*", "registry.local/team/nginx:1", true},
		{"star in the pattern is a wildcard over a literal star", "*a", "*ba", true},
		{"question mark over a literal question mark", "a?", "a?", true},
		{"stars and a missing last part", "a*b*c", "aXXbYY", false},
		{"a star cannot make up a missing rune", "a*b*c", "acb", false},
		{"star then question mark needs a rune", "*?", "", false},
		{"star then question mark", "mnop*?and", "mnopqand", true},
		{"star then question mark needs one more rune", "mnop*?and", "mnopand", false},
		{"four question marks", "abc????", "abcdefg", true},
		{"four question marks need four runes", "abc????", "abcde", false},
		{"double star", "**a", "xa", true},
		{"question mark matches a slash", "a?c", "a/c", true},
		{"image pattern", "*/vpn:*", "ghcr.io/example/vpn:2", true},
		{"question mark in an image", "ngin?:1", "nginx:1", true},
		// Multi-byte runes: "?" is one rune, not one byte.
		{"question mark is one two-byte rune", "caf?", "café", true},
		{"question mark is one three-byte rune", "?-prod", "日-prod", true},
		{"question mark is one four-byte rune", "team-?", "team-🚀", true},
		{"two question marks are two runes, not two bytes", "caf??", "café", false},
		{"star over multi-byte runes", "名前*", "名前空間", true},
		{"literal multi-byte", "名前空間", "名前空間", true},
		{"multi-byte mismatch", "名前空間", "名前空港", false},
		{"star then multi-byte suffix", "*空間", "名前空間", true},
		{"question marks count runes", "??", "日本", true},
		{"question marks count runes exactly", "???", "日本", false},
		// Invalid UTF-8 decodes to utf8.RuneError on both sides, as with
		// Kyverno's []rune conversion.
		{"invalid bytes compare as the replacement rune", "\xff", "\xfe", true},
		{"question mark takes one invalid byte", "a?", "a\xff", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Match(tt.pattern, tt.s); got != tt.want {
				t.Errorf("Match(%q, %q) = %v, want %v", tt.pattern, tt.s, got, tt.want)
			}
			if got := kyvernoMatch(tt.pattern, tt.s); got != tt.want {
				t.Errorf("the reference matcher says Match(%q, %q) = %v: the table is wrong", tt.pattern, tt.s, got)
			}
		})
	}
}

func TestAny(t *testing.T) {
	if !Any([]string{"kube-*", "default"}, "default") {
		t.Error("Any must match the second pattern")
	}
	if Any([]string{"kube-*", "default"}, "prod") {
		t.Error("Any must not match")
	}
	if Any(nil, "") {
		t.Error("no patterns match nothing")
	}
}

func TestMatchHostile(t *testing.T) {
	p := strings.Repeat("*a", 200) + "b"
	s := strings.Repeat("a", 5000)
	if Match(p, s) {
		t.Fatal("unexpected match")
	}
}

// kyvernoMatch is the recursive matcher of github.com/IGLOU-EU/go-wildcard
// v1.0.3 (Apache-2.0, from MinIO), which Kyverno v1.19.0's ext/wildcard
// calls: the reference Match must agree with. It is exponential on hostile
// patterns, so the fuzz target feeds it short inputs only.
func kyvernoMatch(pattern, name string) bool {
	if pattern == "" {
		return name == pattern
	}
	if pattern == "*" {
		return true
	}
	return deepMatchRune([]rune(name), []rune(pattern))
}

func deepMatchRune(str, pattern []rune) bool {
	for len(pattern) > 0 {
		switch pattern[0] {
		default:
			if len(str) == 0 || str[0] != pattern[0] {
				return false
			}
		case '?':
			if len(str) == 0 {
				return false
			}
		case '*':
			return deepMatchRune(str, pattern[1:]) ||
				(len(str) > 0 && deepMatchRune(str[1:], pattern))
		}
		str = str[1:]
		pattern = pattern[1:]
	}
	return len(str) == 0 && len(pattern) == 0
}

func FuzzMatch(f *testing.F) {
	f.Add("*a?", "bac")
	f.Add("caf?", "café")
	f.Add("*a", "*ba")
	f.Fuzz(func(t *testing.T, p, s string) {
		if len(p) > 12 || len(s) > 24 || strings.Count(p, "*") > 4 {
			return
		}
		if got, want := Match(p, s), kyvernoMatch(p, s); got != want {
			t.Fatalf("Match(%q, %q) = %v, Kyverno's matcher says %v", p, s, got, want)
		}
		if !Match("*", s) {
			t.Fatal("* must match everything")
		}
	})
}
