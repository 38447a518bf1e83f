package pattern

import (
	"errors"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// node parses one YAML scalar (or the empty string, for an absent field).
func node(t testing.TB, src string) *yaml.RNode {
	t.Helper()
	if src == "" {
		return nil
	}
	rn, err := yaml.Parse(src)
	if err != nil {
		t.Fatalf("parse %q: %v", src, err)
	}
	return rn
}

func TestValueMatch(t *testing.T) {
	const absent = ""
	tests := []struct {
		pattern string // YAML
		actual  string // YAML; "" is an absent field
		want    bool
	}{
		// Wildcards: https://kyverno.io/docs/writing-policies/validate/#wildcards
		{`"*"`, `""`, true},
		{`"*"`, `nginx`, true},
		{`"?*"`, `""`, false},
		{`"?*"`, `a`, true},
		{`"?*"`, absent, false},
		{`"?"`, `a`, true},
		{`"?"`, `ab`, false},
		{`"nginx:*"`, `nginx:1.25`, true},
		{`"nginx:*"`, `redis:7`, false},
		{`"*:latest"`, `nginx:latest`, true},
		{`"ngi?x"`, `nginx`, true},
		{`"é?"`, `éü`, true},
		// Negation and alternatives.
		{`"!*:latest"`, `nginx:latest`, false},
		{`"!*:latest"`, `nginx:1.25`, true},
		{`"!*:latest"`, absent, false},
		{`"!IfNotPresent"`, `Always`, true},
		{`"Always | IfNotPresent"`, `IfNotPresent`, true},
		{`"Always|IfNotPresent"`, `Never`, false},
		{`"a|b"`, `a|b`, true}, // the literal shortcut
		{`"!a & !b"`, `c`, true},
		{`"!a & !b"`, `b`, false},
		{`"x*&*y"`, `x-y`, true},
		{`"x*&*y"`, `x-z`, false},
		// Numbers and comparisons: https://kyverno.io/docs/writing-policies/validate/#operators
		{`">=2"`, `2`, true},
		{`">=2"`, `1`, false},
		{`">= 2"`, `3`, true},
		{`">1"`, `"2"`, true},
		{`"<5"`, `4.5`, true},
		{`"<=5"`, `5`, true},
		{`"<5"`, absent, true}, // Kyverno reads an absent value as 0
		{`">0"`, absent, false},
		{`"!0"`, `0`, false},
		{`"!0"`, `1`, true},
		{`"3"`, `3`, true},
		{`"3"`, `"03"`, true}, // both are the quantity 3
		// Quantities.
		{`"<=1Gi"`, `512Mi`, true},
		{`"<=1Gi"`, `2Gi`, false},
		{`">100m"`, `"0.2"`, true},
		{`">100m"`, `50m`, false},
		{`"1Gi-2Gi"`, `1536Mi`, true},
		{`"1Gi-2Gi"`, `3Gi`, false},
		{`"1-3"`, `2`, true},
		{`"1-3"`, `4`, false},
		{`"-3--1"`, `-2`, true},
		{`"1!-3"`, `4`, true},
		{`"1!-3"`, `2`, false},
		{`"10m!-20m"`, `5m`, true},
		// Durations.
		{`">1h"`, `90m`, true},
		{`">1h"`, `30m`, false},
		{`"<=30s"`, `30s`, true},
		{`"1h-2h"`, `90m`, true},
		{`"1h!-2h"`, `3h`, true},
		{`"<1h"`, absent, true}, // absent is "0", a valid duration
		// Strings are not ordered.
		{`"!b"`, `a`, true},
		// Booleans.
		{`true`, `true`, true},
		{`true`, `"true"`, false},
		{`true`, `false`, false},
		{`true`, absent, false},
		{`"true"`, `true`, true},
		{`"t*"`, `true`, true},
		// Numbers in the pattern.
		{`2`, `2`, true},
		{`2`, `"2"`, true},
		{`2`, `2.0`, true},
		{`2`, `3`, false},
		{`2.5`, `2.5`, true},
		{`2.5`, `2`, false},
		{`0`, absent, false},
		// Null pattern: absent, null or a zero value.
		{`null`, absent, true},
		{`null`, `null`, true},
		{`null`, `""`, true},
		{`null`, `0`, true},
		{`null`, `false`, true},
		{`null`, `x`, false},
		{`null`, `{}`, false},
		{`null`, `[]`, false},
		// The empty string pattern matches only the empty string.
		{`""`, `""`, true},
		{`""`, absent, false},
		{`""`, `x`, false},
		// Floats print in exponent form before wildcard matching.
		{`"2.5*"`, `2.5`, true},
		// Objects never match a scalar pattern.
		{`"*"`, `{a: b}`, false},
		// Strings with an operator-looking single character are literals.
		{`">"`, `">"`, true},
		{`"!"`, `"!"`, true},
	}
	for _, tt := range tests {
		t.Run(tt.pattern+"~"+tt.actual, func(t *testing.T) {
			v, err := CompileValue(node(t, tt.pattern).YNode())
			if err != nil {
				t.Fatal(err)
			}
			if got := v.Match(node(t, tt.actual)); got != tt.want {
				t.Fatalf("%s matching %s = %v, want %v", tt.pattern, tt.actual, got, tt.want)
			}
		})
	}
}

func TestParseValueErrors(t *testing.T) {
	for _, s := range []string{">abc", "<=", ">= ", "1abc-2", "a & >x", ">1.2.3"} {
		t.Run(s, func(t *testing.T) {
			_, err := ParseValue(s)
			var ve *ValueError
			if !errors.As(err, &ve) {
				t.Fatalf("ParseValue(%q) error = %v, want *ValueError", s, err)
			}
		})
	}
	for _, s := range []string{"", "*", "?*", "!", ">", "a-b", "1-2", ">=1Gi", "<2h", "! x", "a|b&c"} {
		if _, err := ParseValue(s); err != nil {
			t.Errorf("ParseValue(%q): %v", s, err)
		}
	}
}

func TestCompileValueRejectsContainers(t *testing.T) {
	for _, src := range []string{"{a: b}", "[a]"} {
		if _, err := CompileValue(node(t, src).YNode()); err == nil {
			t.Errorf("CompileValue(%s) succeeded, want an error", src)
		}
	}
}
