package apply

import (
	"reflect"
	"testing"

	"github.com/google/cel-go/cel"
	"k8s.io/apiserver/pkg/cel/environment"
	"k8s.io/apiserver/pkg/cel/mutation/dynamic"
)

// TestNativeMatchesAPIServer holds the single-pass conversion and type-name
// check to the API server's own ObjectVal methods, value for value and
// error for error.
func TestNativeMatchesAPIServer(t *testing.T) {
	if _, ok := objectFields(&dynamic.ObjectVal{}); !ok {
		t.Fatal("dynamic.ObjectVal has no fields map: the fast path is off")
	}
	base, err := environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion()).Env(environment.StoredExpressions)
	if err != nil {
		t.Fatal(err)
	}
	env, err := base.Extend(append(EnvOptions(), cel.Variable("object", cel.DynType))...)
	if err != nil {
		t.Fatal(err)
	}
	object := map[string]any{"spec": map[string]any{"containers": []any{
		map[string]any{"name": "a", "resources": map[string]any{"requests": map[string]any{"cpu": "1"}}},
		map[string]any{"name": "b"},
	}}}
	for _, tc := range []struct {
		name, expr string
		mismatch   bool
	}{
		{"empty", `Object{}`, false},
		{"nested", `Object{spec: Object.spec{template: Object.spec.template{spec: Object.spec.template.spec{containers: object.spec.containers.map(c, Object.spec.template.spec.containers{name: c.name, resources: Object.spec.template.spec.containers.resources{requests: {"cpu": c.?resources.?requests.?cpu.orValue("100m")}}})}}}}`, false},
		{"optional field", `Object{spec: Object.spec{?initContainers: optional.none(), ?x: optional.of([dyn(1), dyn(2.5), dyn("s"), dyn(true), dyn(null)])}}`, false},
		{"list of maps", `Object{metadata: Object.metadata{labels: {"a": "b"}, ownerReferences: [{"k": Object.metadata.ownerReferences{name: "x"}}]}}`, false},
		{"empty list", `Object{spec: Object.spec{containers: []}}`, false},
		{"native list", `Object{spec: Object.spec{containers: object.spec.containers, n: object.spec.containers.size()}}`, false},
		{"concatenated list", `Object{spec: Object.spec{containers: object.spec.containers + [Object.spec.containers{name: "c"}]}}`, false},
		{"wrong type name", `Object{spec: Object.spec{template: Object.spec{name: "x"}, other: [Object.other{a: Object.wrong{}}]}}`, true},
		{"non-string key", `Object{spec: Object.spec{m: {1: "a"}, o: Object.spec.o{m: {2: Object.spec.o.m{}}}}}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ast, iss := env.Compile(tc.expr)
			if iss.Err() != nil {
				t.Fatal(iss.Err())
			}
			prg, err := env.Program(ast)
			if err != nil {
				t.Fatal(err)
			}
			v, _, err := prg.Eval(map[string]any{"object": object})
			if err != nil {
				t.Fatal(err)
			}
			ov, ok := v.(*dynamic.ObjectVal)
			if !ok {
				t.Fatalf("gave %T", v)
			}
			if got, want := valueOf(ov), ov.Value(); !reflect.DeepEqual(got, want) {
				t.Errorf("value:\n got %#v\nwant %#v", got, want)
			}
			got, want := checkTypeNames(ov), ov.CheckTypeNamesMatchFieldPathNames()
			if (want != nil) != tc.mismatch {
				t.Errorf("the API server's type-name check gave %v", want)
			}
			if (got == nil) != (want == nil) || got != nil && len(got.Error()) != len(want.Error()) {
				// Map order makes the joined errors' order vary; their
				// lengths do not.
				t.Errorf("type names:\n got %v\nwant %v", got, want)
			}
		})
	}
}
