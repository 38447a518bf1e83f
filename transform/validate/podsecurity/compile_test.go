package podsecurity

import (
	"errors"
	"testing"

	"k8s.io/pod-security-admission/api"
)

func TestCompile(t *testing.T) {
	tests := []struct {
		name      string
		rule      string
		wantField string // "" means valid
		level     api.Level
		version   string
	}{
		{name: "baseline latest", rule: "level: baseline\nversion: latest\n", level: api.LevelBaseline, version: "latest"},
		{name: "version defaults to latest", rule: "level: restricted\n", level: api.LevelRestricted, version: "latest"},
		{name: "pinned version", rule: "level: baseline\nversion: v1.29\n", level: api.LevelBaseline, version: "v1.29"},
		{name: "privileged", rule: "level: privileged\n", level: api.LevelPrivileged, version: "latest"},
		{name: "exclusions", rule: "level: restricted\nexclude:\n- controlName: Capabilities\n  images: ['nginx*']\n- controlName: Volume Types\n  restrictedField: spec.volumes[*].nfs\n  values: ['*']\n",
			level: api.LevelRestricted, version: "latest"},
		{name: "Seccomp may be excluded at baseline", rule: "level: baseline\nexclude:\n- controlName: Seccomp\n", level: api.LevelBaseline, version: "latest"},

		{name: "missing level", rule: "version: latest\n", wantField: "level"},
		{name: "unknown level", rule: "level: strict\n", wantField: "level"},
		{name: "version without v", rule: "level: baseline\nversion: '1.25'\n", wantField: "version"},
		{name: "version not a version", rule: "level: baseline\nversion: newest\n", wantField: "version"},
		{name: "unknown field", rule: "level: baseline\nexcludes: []\n", wantField: "excludes"},
		{name: "level not a string", rule: "level: [baseline]\n", wantField: "level"},
		{name: "unknown control", rule: "level: baseline\nexclude:\n- controlName: Privileged\n", wantField: "exclude[0].controlName"},
		{name: "container control without images", rule: "level: baseline\nexclude:\n- controlName: Host Ports\n", wantField: "exclude[0].controlName"},
		{name: "pod control with images", rule: "level: baseline\nexclude:\n- controlName: Sysctls\n  images: ['*']\n", wantField: "exclude[0].controlName"},
		{name: "restrictedField without values", rule: "level: baseline\nexclude:\n- controlName: Sysctls\n  restrictedField: spec.securityContext.sysctls[*].name\n", wantField: "exclude[0].values"},
		{name: "values without restrictedField", rule: "level: baseline\nexclude:\n- controlName: Sysctls\n  values: [a]\n", wantField: "exclude[0].restrictedField"},
		{name: "restricted control at baseline", rule: "level: baseline\nexclude:\n- controlName: Running as Non-root\n", wantField: "exclude[0].controlName"},
		{name: "images not a list", rule: "level: baseline\nexclude:\n- controlName: Capabilities\n  images: nginx\n", wantField: "exclude[0].images"},
		{name: "exclude not a list", rule: "level: baseline\nexclude: {controlName: Sysctls}\n", wantField: "exclude"},
		{name: "unknown exclusion field", rule: "level: baseline\nexclude:\n- controlName: Sysctls\n  image: x\n", wantField: "exclude[0].image"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Compile(mustParse(t, tc.rule))
			if tc.wantField != "" {
				var re *RuleError
				if !errors.As(err, &re) {
					t.Fatalf("err = %v, want *RuleError", err)
				}
				if re.Field != tc.wantField {
					t.Errorf("field = %q, want %q (%v)", re.Field, tc.wantField, err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Compile: %v", err)
			}
			if c.Level != tc.level || c.Version != tc.version {
				t.Errorf("got %s:%s, want %s:%s", c.Level, c.Version, tc.level, tc.version)
			}
		})
	}
}

func TestCompileNotAMapping(t *testing.T) {
	var re *RuleError
	if _, err := Compile(mustParse(t, "- level: baseline\n")); !errors.As(err, &re) {
		t.Errorf("err = %v, want *RuleError", err)
	}
	if _, err := Compile(nil); !errors.As(err, &re) {
		t.Errorf("nil rule: err = %v, want *RuleError", err)
	}
}
