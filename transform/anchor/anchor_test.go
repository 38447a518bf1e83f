package anchor

import (
	"errors"
	"testing"
)

func TestParse(t *testing.T) {
	tests := []struct {
		raw     string
		want    Anchor
		wantErr bool
	}{
		{raw: "image", want: Anchor{None, "image"}},
		{raw: "(name)", want: Anchor{Condition, "name"}},
		{raw: "<(securityContext)", want: Anchor{Global, "securityContext"}},
		{raw: "X(hostPath)", want: Anchor{Negation, "hostPath"}},
		{raw: "+(runAsNonRoot)", want: Anchor{AddIfNotPresent, "runAsNonRoot"}},
		{raw: "=(privileged)", want: Anchor{Equality, "privileged"}},
		{raw: "^(name)", want: Anchor{Existence, "name"}},
		{raw: "(app.kubernetes.io/name)", want: Anchor{Condition, "app.kubernetes.io/name"}},
		{raw: "~(name)", wantErr: true},
		{raw: "Y(name)", wantErr: true},
		{raw: "()", wantErr: true},
		{raw: "+()", wantErr: true},
		{raw: "foo(bar)", wantErr: true},
		{raw: "x)", want: Anchor{None, "x)"}},
		{raw: "", want: Anchor{None, ""}},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			got, err := Parse(tt.raw)
			if tt.wantErr {
				var ue *UnknownError
				if !errors.As(err, &ue) {
					t.Fatalf("Parse(%q) error = %v, want *UnknownError", tt.raw, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.raw, err)
			}
			if got != tt.want {
				t.Fatalf("Parse(%q) = %+v, want %+v", tt.raw, got, tt.want)
			}
			if got.Type != None && Write(got.Type, got.Key) != tt.raw {
				t.Fatalf("Write(Parse(%q)) = %q", tt.raw, Write(got.Type, got.Key))
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{"(a)", "+(b)", "X(c)", "<(d)", "=(e)", "^(f)", "g", "~(h)", "()", "(", ")"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		a, err := Parse(raw)
		if err != nil {
			return
		}
		if a.Type != None && Write(a.Type, a.Key) != raw {
			t.Fatalf("round trip of %q gave %q", raw, Write(a.Type, a.Key))
		}
	})
}
