package apply_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/traits"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/types/known/structpb"
	utiljson "k8s.io/apimachinery/pkg/util/json"
	"k8s.io/apiserver/pkg/cel/environment"
	"k8s.io/apiserver/pkg/cel/library"
	celmutation "k8s.io/apiserver/pkg/cel/mutation"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/mutate/apply"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// mutation is one entry of a case's mutations.yaml.
type mutation struct {
	PatchType  string `yaml:"patchType"`
	Expression string `yaml:"expression"`
	Atomics    bool   `yaml:"atomics"`
}

func testEnv(t *testing.T) *cel.Env {
	t.Helper()
	base, err := environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion()).Env(environment.StoredExpressions)
	if err != nil {
		t.Fatal(err)
	}
	env, err := base.Extend(append(apply.EnvOptions(), library.JSONPatch(), cel.Variable("object", cel.DynType))...)
	if err != nil {
		t.Fatal(err)
	}
	return env
}

// run applies the mutations to the resource text and gives the written
// YAML, whether it changed, or the error.
func run(t *testing.T, env *cel.Env, ms []mutation, resource string) (string, bool, error) {
	t.Helper()
	root, err := yaml.Parse(resource)
	if err != nil {
		t.Fatal(err)
	}
	o, err := apply.NewObject(root.YNode())
	if err != nil {
		return "", false, err
	}
	for _, m := range ms {
		ast, iss := env.Compile(m.Expression)
		if iss.Err() != nil {
			t.Fatalf("compile %q: %v", m.Expression, iss.Err())
		}
		prg, err := env.Program(ast)
		if err != nil {
			t.Fatal(err)
		}
		v, _, err := prg.Eval(map[string]any{"object": o.Value()})
		if err != nil {
			return "", false, err
		}
		switch m.PatchType {
		case "ApplyConfiguration":
			cfg, err := apply.ConfigurationOf(v)
			if err != nil {
				return "", false, err
			}
			merge := apply.Guarded
			if m.Atomics {
				merge = apply.Atomics
			}
			if err := o.ApplyConfiguration(cfg, merge); err != nil {
				return "", false, err
			}
		case "JSONPatch":
			ops, err := apply.OpsOf(v)
			if err != nil {
				return "", false, err
			}
			if err := o.JSONPatch(ops); err != nil {
				return "", false, err
			}
		default:
			t.Fatalf("patchType %q", m.PatchType)
		}
	}
	changed, err := o.WriteBack()
	if err != nil {
		return "", false, err
	}
	return root.MustString(), changed, nil
}

// TestGolden runs every testdata/<case>: mutations.yaml applied in turn to
// resource.yaml gives expected.yaml (or errors.txt). Each output is
// mutated again and must not change (idempotence), and a resource the
// mutations leave equal must keep its bytes.
func TestGolden(t *testing.T) {
	env := testEnv(t)
	dirs, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no golden cases: %v", err)
	}
	for _, dir := range dirs {
		if filepath.Base(dir) == "fuzz" {
			continue // the fuzz targets' corpora
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			var ms []mutation
			if err := yaml.Unmarshal(read(t, filepath.Join(dir, "mutations.yaml")), &ms); err != nil {
				t.Fatal(err)
			}
			in := string(read(t, filepath.Join(dir, "resource.yaml")))
			out, changed, err := run(t, env, ms, in)
			if err != nil {
				golden(t, filepath.Join(dir, "errors.txt"), err.Error()+"\n")
				return
			}
			golden(t, filepath.Join(dir, "expected.yaml"), out)
			if !changed && out != in {
				t.Errorf("no change reported, but the output differs from the input")
			}
			again, changed2, err := run(t, env, ms, out)
			if err != nil {
				t.Fatalf("second run: %v", err)
			}
			if changed2 || again != out {
				t.Errorf("not idempotent (changed=%v); second run:\n%s", changed2, again)
			}
		})
	}
}

func read(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Fatalf("%s missing; run with -update. Got:\n%s", path, got)
	}
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != got {
		t.Errorf("%s differs.\ngot:\n%s\nwant:\n%s", path, got, want)
	}
}

// TestUnchangedKeepsNodes: a mutation that sets what is already there
// reports no change and leaves every node as it was.
func TestUnchangedKeepsNodes(t *testing.T) {
	env := testEnv(t)
	in := "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p # the name\n  labels: {a: 'b'}\nspec:\n  containers:\n  - {name: c, image: x}\n"
	ms := []mutation{{PatchType: "ApplyConfiguration", Expression: `Object{metadata: Object.metadata{labels: {"a": "b"}}}`}}
	out, changed, err := run(t, env, ms, in)
	if err != nil {
		t.Fatal(err)
	}
	if changed || out != in {
		t.Errorf("changed=%v, output:\n%s", changed, out)
	}
}

func TestNotAMap(t *testing.T) {
	root, err := yaml.Parse("- a\n- b\n")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := apply.NewObject(root.YNode()); err == nil || !strings.Contains(err.Error(), "map") {
		t.Errorf("err = %v, want a resource-must-be-a-map error", err)
	}
}

// TestOpValues holds the JSON of JSONPatch values to the API server's,
// which protojson writes from the same structpb value: the same values.
func TestOpValues(t *testing.T) {
	env := testEnv(t)
	for _, v := range []string{`1`, `2.5`, `-0.0`, `9007199254740993`, `"a<b>&c"`, `true`, `null`, `[1, 2]`,
		`{"a": {"b": [1]}}`, `double("NaN")`, `double("Infinity")`, `[1.0, double("-Infinity")]`, `{"a": double("NaN")}`, `Object{spec: Object.spec{replicas: 3}}`} {
		t.Run(v, func(t *testing.T) {
			ast, iss := env.Compile(`[JSONPatch{op: "add", path: "/x", value: ` + v + `}]`)
			if iss.Err() != nil {
				t.Fatal(iss.Err())
			}
			prg, err := env.Program(ast)
			if err != nil {
				t.Fatal(err)
			}
			out, _, err := prg.Eval(map[string]any{"object": map[string]any{}})
			if err != nil {
				t.Fatal(err)
			}
			p, err := out.(traits.Lister).Get(types.Int(0)).ConvertToNative(reflect.TypeFor[*celmutation.JSONPatchVal]())
			if err != nil {
				t.Fatal(err)
			}
			pv, err := p.(*celmutation.JSONPatchVal).Val.ConvertToNative(reflect.TypeFor[*structpb.Value]())
			if err != nil {
				t.Fatal(err)
			}
			want, wantErr := protojson.Marshal(pv.(*structpb.Value))
			ops, err := apply.OpsOf(out)
			if (err != nil) != (wantErr != nil) {
				t.Fatalf("error %v, the API server's %v", err, wantErr)
			}
			if err != nil {
				return
			}
			var got, wantV any
			if err := utiljson.Unmarshal(ops[0].Value, &got); err != nil {
				t.Fatal(err)
			}
			if err := utiljson.Unmarshal(want, &wantV); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, wantV) {
				t.Errorf("got %s, the API server's %s", ops[0].Value, want)
			}
		})
	}
}

// TestAdmitKeepsTheNode: the namespace Admit gives a resource is seen by
// the mutations but not written back, whether the resource had no
// namespace, an empty one or a null one; a mutation's own change is.
func TestAdmitKeepsTheNode(t *testing.T) {
	for _, meta := range []string{"{name: p}", "{name: p, namespace: \"\"}", "{name: p, namespace: null}", "{name: p, namespace: ~}"} {
		t.Run(meta, func(t *testing.T) {
			in := "apiVersion: v1\nkind: Pod\nmetadata: " + meta + "\nspec: {containers: [{name: c, image: x}]}\n"
			root, err := yaml.Parse(in)
			if err != nil {
				t.Fatal(err)
			}
			o, err := apply.NewObject(root.YNode())
			if err != nil {
				t.Fatal(err)
			}
			o.Admit("team")
			if ns := o.Value()["metadata"].(map[string]any)["namespace"]; ns != "team" {
				t.Fatalf("the mutations see namespace %v, want team", ns)
			}
			if err := o.JSONPatch([]apply.Op{{Op: "add", Path: "/metadata/labels", Value: []byte(`{"a":"b"}`)}}); err != nil {
				t.Fatal(err)
			}
			if _, err := o.WriteBack(); err != nil {
				t.Fatal(err)
			}
			got, err := root.String()
			if err != nil {
				t.Fatal(err)
			}
			want := strings.Replace(in, "metadata: "+meta, "metadata: "+strings.TrimSuffix(meta, "}")+", labels: {a: b}}", 1)
			if got != want {
				t.Errorf("got\n%s\nwant\n%s", got, want)
			}
		})
	}
}
