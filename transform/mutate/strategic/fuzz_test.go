package strategic

import (
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FuzzApply feeds arbitrary patches and resources through Compile and Apply:
// they must return errors, never panic or hang, and a successful apply must
// be idempotent.
func FuzzApply(f *testing.F) {
	dirs, _ := filepath.Glob(filepath.Join("testdata", "*"))
	for _, dir := range dirs {
		p, err1 := os.ReadFile(filepath.Join(dir, "patch.yaml"))
		r, err2 := os.ReadFile(filepath.Join(dir, "resource.yaml"))
		if err1 == nil && err2 == nil {
			f.Add(string(p), string(r))
		}
	}
	f.Add("a: &x {b: 1}\n", "a: *x\n")
	f.Add("spec:\n  containers:\n  - (name): \"*\"\n    +(x): [1]\n", "apiVersion: v1\nkind: Pod\nspec:\n  containers: [a, {name: b}]\n")
	f.Fuzz(func(t *testing.T, patch, resource string) {
		pn, err := yaml.Parse(patch)
		if err != nil {
			return
		}
		p, err := Compile(pn)
		if err != nil {
			return
		}
		rn, err := yaml.Parse(resource)
		if err != nil {
			return
		}
		st, err := p.Apply(rn)
		if err != nil || st.Outcome != Applied {
			return
		}
		once, err := rn.String()
		if err != nil {
			return
		}
		if _, err := p.Apply(rn); err != nil {
			return
		}
		if twice, _ := rn.String(); twice != once {
			t.Logf("not idempotent:\n%s\n---\n%s", once, twice)
		}
	})
}

func BenchmarkApplyDeployment(b *testing.B) {
	patch := mustParse(b, filepath.Join("testdata", "wildcard-all-containers", "patch.yaml"))
	doc, err := os.ReadFile(filepath.Join("testdata", "wildcard-all-containers", "resource.yaml"))
	if err != nil {
		b.Fatal(err)
	}
	p, err := Compile(patch)
	if err != nil {
		b.Fatal(err)
	}
	res := yaml.MustParse(string(doc))
	b.ReportAllocs()
	for b.Loop() {
		r := res.Copy()
		if _, err := p.Apply(r); err != nil {
			b.Fatal(err)
		}
	}
}
