package stream

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

var seqIndentCases = []string{
	"",
	"a: 1\n",
	"containers:\n- name: a\n",
	"containers:\n  - name: a\n",
	"spec:\n  containers:\n    - name: a\n",
	"spec:\n  containers:\n  - name: a\n",
	"# c\n- a\n",
	"key:\n# comment\n  - a\n",
	"key: # trailing\n  - a\n",
	"a: b: c:\n  - x\n",
	"text: |\n  - not a list\nlist:\n    - a\nother:\n  - b\n",
	"key:\r\n  - a\r\n",
	"\n- a\n",
	"-  a\n",
	"x:\n   - a\ny:\n  - b\n",
	"x:\n  - a",
	"- a\n- b\n",
	"  # only\n  - a\n",
}

// TestSeqIndentStyle checks SeqIndentStyle against kyaml's
// DeriveSeqIndentStyle, which it replaces on the hot path.
func TestSeqIndentStyle(t *testing.T) {
	for _, c := range seqIndentCases {
		if got, want := SeqIndentStyle([]byte(c)), yaml.DeriveSeqIndentStyle(c); got != want {
			t.Errorf("%q: %s, kyaml says %s", c, got, want)
		}
	}
}

func FuzzSeqIndentStyle(f *testing.F) {
	for _, c := range seqIndentCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got, want := SeqIndentStyle([]byte(s)), yaml.DeriveSeqIndentStyle(s); got != want {
			t.Errorf("%q: %s, kyaml says %s", s, got, want)
		}
	})
}
