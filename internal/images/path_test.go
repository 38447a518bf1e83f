package images

import (
	"errors"
	"testing"
)

func TestParsePath(t *testing.T) {
	for in, want := range map[string]string{
		"Prometheus:spec.image":                         "Prometheus:spec.image",
		" Workflow : spec.templates[].container.image ": "Workflow:spec.templates[].container.image",
		"Thing:spec.images[]":                           "Thing:spec.images[]",
	} {
		p, err := ParsePath(in)
		if err != nil || p.text != want {
			t.Errorf("ParsePath(%q) = %q, %v; want %q", in, p.text, err, want)
		}
	}
	for _, in := range []string{"", "spec.image", ":spec.image", "Kind:", "Kind:spec..image", "Kind:spec.[]", "Kind:spec.a[0]", "a/b:spec", "Kind:a b"} {
		_, err := ParsePath(in)
		var pe *PathError
		if !errors.As(err, &pe) {
			t.Errorf("ParsePath(%q): error %v, want a *PathError", in, err)
		}
	}
	ps, err := ParsePaths([]string{"A:x,B:y", "C:z"})
	if err != nil || len(ps) != 3 {
		t.Errorf("ParsePaths = %v, %v; want three paths", ps, err)
	}
}

func FuzzParsePath(f *testing.F) {
	for _, s := range []string{"Prometheus:spec.image", "W:spec.t[].c.image", "::", "A:[]", "A:a[][]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p, err := ParsePath(s)
		if err != nil {
			return
		}
		again, err := ParsePath(p.text)
		if err != nil || again.text != p.text {
			t.Fatalf("%q parsed to %q, which does not parse back (%v)", s, p.text, err)
		}
	})
}
