package podsecurity

import (
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestSubrulePolicies runs the podSecurity rules of the built-in library's
// subrule policies on their resources.yaml and checks every result their
// kyverno-test.yaml expects, so the package and the library agree.
func TestSubrulePolicies(t *testing.T) {
	for _, name := range []string{"podsecurity-baseline", "podsecurity-restricted"} {
		t.Run(name, func(t *testing.T) {
			dir := filepath.Join("..", "..", "..", "policies", "pod-security", "subrule", name)
			policy := readAll(t, filepath.Join(dir, name+".yaml"))[0]
			block, err := policy.Pipe(yaml.Lookup("spec", "rules", "0", "validate", "podSecurity"))
			if err != nil || block == nil {
				t.Fatalf("no podSecurity block: %v", err)
			}
			chk, err := Compile(block)
			if err != nil {
				t.Fatal(err)
			}
			resources := map[string]*yaml.RNode{}
			for _, r := range readAll(t, filepath.Join(dir, "resources.yaml")) {
				resources[r.GetKind()+"/"+r.GetName()] = r
			}
			test := readAll(t, filepath.Join(dir, "kyverno-test.yaml"))[0]
			results, _ := test.Pipe(yaml.Lookup("results"))
			checked := 0
			for _, res := range results.YNode().Content {
				r := yaml.NewRNode(res)
				kind := yaml.GetValue(r.Field("kind").Value)
				want := yaml.GetValue(r.Field("result").Value)
				for _, n := range r.Field("resources").Value.YNode().Content {
					doc := resources[kind+"/"+n.Value]
					if doc == nil {
						t.Fatalf("%s/%s is not in resources.yaml", kind, n.Value)
					}
					vs, err := chk.Evaluate(doc)
					if err != nil {
						t.Fatalf("%s/%s: %v", kind, n.Value, err)
					}
					got := "pass"
					if len(vs) > 0 {
						got = "fail"
					}
					if got != want {
						t.Errorf("%s/%s: %s, kyverno-test.yaml expects %s (%+v)", kind, n.Value, got, want, vs)
					}
					checked++
				}
			}
			if checked < 6 {
				t.Errorf("checked only %d resources", checked)
			}
		})
	}
}

func readAll(t *testing.T, file string) []*yaml.RNode {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	nodes, err := kio.FromBytes(b)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return nodes
}
