package pattern

import (
	"flag"
	"os"
	"path/filepath"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

var update = flag.Bool("update", false, "rewrite the expected.txt golden files")

// TestGolden runs every folder under testdata/: pattern.yaml (or
// anypattern.yaml, a list of patterns) and resource.yaml, checked against
// expected.txt. Run with -update to rewrite expected.txt.
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		t.Fatal(err)
	}
	for _, dir := range dirs {
		if fi, err := os.Stat(dir); err != nil || !fi.IsDir() || filepath.Base(dir) == "fuzz" {
			continue // testdata/fuzz is the fuzzer's corpus
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			res, err := yaml.ReadFile(filepath.Join(dir, "resource.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			got := goldenResult(t, dir, res)
			out := "status: " + string(got.Status) + "\npath: " + got.Path + "\nmessage: " + got.Message + "\n"
			file := filepath.Join(dir, "expected.txt")
			if *update {
				if err := os.WriteFile(file, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if string(want) != out {
				t.Fatalf("got:\n%s\nwant:\n%s", out, want)
			}
		})
	}
}

func goldenResult(t *testing.T, dir string, res *yaml.RNode) Result {
	t.Helper()
	if p, err := yaml.ReadFile(filepath.Join(dir, "pattern.yaml")); err == nil {
		cp, err := Compile(p)
		if err != nil {
			t.Fatal(err)
		}
		return cp.Match(res)
	}
	list, err := yaml.ReadFile(filepath.Join(dir, "anypattern.yaml"))
	if err != nil {
		t.Fatalf("need pattern.yaml or anypattern.yaml: %v", err)
	}
	elems, err := list.Elements()
	if err != nil {
		t.Fatal(err)
	}
	ap, err := CompileAny(elems)
	if err != nil {
		t.Fatal(err)
	}
	return ap.Match(res)
}
