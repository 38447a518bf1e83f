package podsecurity

import (
	"errors"
	"testing"
)

func TestWithExcludes(t *testing.T) {
	chk := mustCompile(t, "level: restricted\n")
	doc := mustParse(t, kinds[0].wrap(restrictedPod("runAsUser: 0\n", "", restrictedPodSC)))
	extra, err := ParseExcludes(mustParse(t, "- controlName: Running as Non-root user\n  images: ['nginx*']\n"))
	if err != nil {
		t.Fatal(err)
	}
	if vs, _ := chk.WithExcludes(extra).Evaluate(doc); len(vs) != 0 {
		t.Errorf("with the extra exclusion: %+v, want a pass", vs)
	}
	if vs, _ := chk.Evaluate(doc); len(vs) != 1 || vs[0].Check != "runAsUser" {
		t.Errorf("the receiver changed: %+v, want the runAsUser violation", vs)
	}
	if chk.WithExcludes(nil) != chk {
		t.Error("no extra exclusions should return the check itself")
	}
}

func TestParseExcludesErrors(t *testing.T) {
	for _, tt := range []struct{ in, field string }{
		{"- controlName: Nope\n", "exclude[0].controlName"},
		{"- controlName: Capabilities\n", "exclude[0].controlName"},
		{"- controlName: Host Namespaces\n  images: ['*']\n", "exclude[0].controlName"},
		{"- controlName: Seccomp\n  values: [a]\n", "exclude[0].restrictedField"},
		{"controlName: Seccomp\n", "exclude"},
	} {
		_, err := ParseExcludes(mustParse(t, tt.in))
		var re *RuleError
		if !errors.As(err, &re) || re.Field != tt.field {
			t.Errorf("%q: error %v, want a *RuleError at %s", tt.in, err, tt.field)
		}
	}
	// A restricted-only control is accepted: the rule's level decides.
	if _, err := ParseExcludes(mustParse(t, "- controlName: Volume Types\n")); err != nil {
		t.Errorf("Volume Types: %v", err)
	}
}
