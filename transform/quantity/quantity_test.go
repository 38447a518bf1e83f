package quantity

import (
	"strings"
	"testing"
)

// TestParse also guards against hangs: before the bounds, the rejected
// cases never returned from String or Cmp.
func TestParse(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string // "" means an error
	}{
		{"100m", "100m"},
		{"128Mi", "128Mi"},
		{"1E", "1E"},
		{"1e3", "1e3"},
		{"2Ei", "2Ei"},
		{"1e1000", "10e999"},
		{"1e1001", ""},
		{"E10000400000", ""},
		{"1e-400000000", ""},
		{"0." + strings.Repeat("0", 80) + "1", ""},
		{"abc", ""},
	} {
		q, err := Parse(tc.in)
		switch {
		case tc.want == "" && err == nil:
			t.Errorf("Parse(%q) = %s, want an error", tc.in, q.String())
		case tc.want != "" && err != nil:
			t.Errorf("Parse(%q): %v", tc.in, err)
		case tc.want != "" && q.String() != tc.want:
			t.Errorf("Parse(%q) = %s, want %s", tc.in, q.String(), tc.want)
		}
	}
}

// A quantity Parse accepts compares in bounded time with any other.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"100m", "1e1000", "-1e-1000", "1Ei", "0.5"} {
		f.Add(s, "1")
	}
	f.Fuzz(func(t *testing.T, a, b string) {
		qa, err := Parse(a)
		if err != nil {
			return
		}
		qb, err := Parse(b)
		if err != nil {
			return
		}
		_ = qa.Cmp(qb)
		_ = qa.String()
	})
}
