package krm

import (
	"errors"
	"reflect"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func TestParseConfig(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		want    Spec
		inline  int
		wantErr string // the field a *ConfigError names
	}{
		{name: "none", in: "", want: Spec{}},
		{name: "object", in: "apiVersion: fn.preadmit.io/v1alpha1\nkind: Preadmit\nspec:\n  mode: enforce\n  disable: [a, b]\n  variables: {x.y: 1}\n  policies:\n  - {apiVersion: kyverno.io/v1, kind: ClusterPolicy}\n",
			want: Spec{Mode: "enforce", Disable: []string{"a", "b"}, Variables: map[string]interface{}{"x.y": float64(1)}}, inline: 1},
		{name: "configmap", in: "apiVersion: v1\nkind: ConfigMap\ndata:\n  policyPaths: \"p1, p2\"\n  noBuiltin: \"true\"\n  registry: m.example\n  variables: \"a.b: c\"\n",
			want: Spec{PolicyPaths: []string{"p1", "p2"}, NoBuiltin: true, Registry: "m.example", Variables: map[string]interface{}{"a.b": "c"}}},
		{name: "cel objects", in: "apiVersion: fn.preadmit.io/v1alpha1\nkind: Preadmit\nspec:\n  paramPaths: [params]\n  crdPaths: [crds, more.yaml]\n  contextPaths: [cluster.yaml]\n",
			want: Spec{ParamPaths: []string{"params"}, CRDPaths: []string{"crds", "more.yaml"}, ContextPaths: []string{"cluster.yaml"}}},
		{name: "cel objects configmap", in: "apiVersion: v1\nkind: ConfigMap\ndata:\n  paramPaths: params\n  crdPaths: \"crds, more.yaml\"\n  contextPaths: \"cluster.yaml, images.yaml\"\n",
			want: Spec{ParamPaths: []string{"params"}, CRDPaths: []string{"crds", "more.yaml"}, ContextPaths: []string{"cluster.yaml", "images.yaml"}}},
		{name: "unknown field", in: "apiVersion: fn.preadmit.io/v1alpha1\nkind: Preadmit\nspec:\n  modes: x\n", wantErr: "spec.modes"},
		{name: "unknown key", in: "apiVersion: v1\nkind: ConfigMap\ndata:\n  moed: x\n", wantErr: "data.moed"},
		{name: "bad bool", in: "apiVersion: v1\nkind: ConfigMap\ndata:\n  quiet: maybe\n", wantErr: "data.quiet"},
		{name: "other kind", in: "apiVersion: v1\nkind: Secret\n", wantErr: ""},
		// Typed settings are parsed here, once, and named by their field.
		{name: "bad mode", in: "apiVersion: fn.preadmit.io/v1alpha1\nkind: Preadmit\nspec:\n  mode: block\n", wantErr: "spec.mode"},
		{name: "bad profile", in: "apiVersion: v1\nkind: ConfigMap\ndata:\n  profile: strict\n", wantErr: "data.profile"},
		{name: "bad report format", in: "apiVersion: fn.preadmit.io/v1alpha1\nkind: Preadmit\nspec:\n  reportFormat: xml\n", wantErr: "spec.reportFormat"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var fc *yaml.RNode
			if tt.in != "" {
				fc = yaml.MustParse(tt.in)
			}
			c, err := ParseConfig(fc)
			if tt.wantErr != "" || tt.name == "other kind" {
				var ce *ConfigError
				if !errors.As(err, &ce) || ce.Field != tt.wantErr {
					t.Fatalf("want a ConfigError on %q, got %v", tt.wantErr, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(c.Spec, tt.want) || len(c.Policies) != tt.inline {
				t.Errorf("got %+v (%d inline), want %+v (%d)", c.Spec, len(c.Policies), tt.want, tt.inline)
			}
			if !reflect.DeepEqual(c.Options.CEL.Params, tt.want.ParamPaths) || !reflect.DeepEqual(c.Options.CEL.CRDs, tt.want.CRDPaths) {
				t.Errorf("typed options %+v do not carry the CEL objects of %+v", c.Options.CEL, tt.want)
			}
			if !reflect.DeepEqual(c.Options.Values.ContextFiles, tt.want.ContextPaths) {
				t.Errorf("typed options %+v do not carry the context files of %+v", c.Options.Values, tt.want)
			}
			if string(c.Options.Mode) != tt.want.Mode || c.Options.Registry.Registry != tt.want.Registry || c.Options.NoBuiltin != tt.want.NoBuiltin {
				t.Errorf("typed options %+v do not carry the spec %+v", c.Options, tt.want)
			}
		})
	}
}

// FuzzParseConfig: any functionConfig is read or refused, never a panic.
func FuzzParseConfig(f *testing.F) {
	f.Add("apiVersion: fn.preadmit.io/v1alpha1\nkind: Preadmit\nspec:\n  mode: enforce\n")
	f.Add("apiVersion: v1\nkind: ConfigMap\ndata:\n  policies: |\n    apiVersion: kyverno.io/v1\n    kind: ClusterPolicy\n")
	f.Fuzz(func(t *testing.T, s string) {
		n, err := yaml.Parse(s)
		if err != nil {
			return
		}
		_, _ = ParseConfig(n)
	})
}

// A typo in the functionConfig is an error naming the field and the
// nearest name, in either form.
func TestParseConfigHint(t *testing.T) {
	for in, want := range map[string]string{
		"apiVersion: fn.preadmit.io/v1alpha1\nkind: Preadmit\nspec:\n  polcyPaths: [p]\n  noBuiltins: true\n": "functionConfig Preadmit spec.noBuiltins: unknown field (did you mean noBuiltin?) (see docs/krm-function.md)\n" +
			"functionConfig Preadmit spec.polcyPaths: unknown field (did you mean policyPaths?) (see docs/krm-function.md)",
		"apiVersion: v1\nkind: ConfigMap\ndata:\n  moed: x\n": "functionConfig ConfigMap data.moed: unknown key (did you mean mode?) (see docs/krm-function.md)",
	} {
		_, err := ParseConfig(yaml.MustParse(in))
		var ce *ConfigError
		if !errors.As(err, &ce) || err.Error() != want {
			t.Errorf("got %v\nwant %s", err, want)
		}
	}
}
