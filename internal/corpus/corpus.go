package corpus

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Dir returns the corpus directory, or "" when there is none.
func Dir() string {
	if d := os.Getenv("PREADMIT_CORPUS"); d != "" {
		return d
	}
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	root := filepath.Join(filepath.Dir(file), "..", "..")
	d := filepath.Join(root, "..", "shared", "corpus", "charts")
	if fi, err := os.Stat(d); err == nil && fi.IsDir() {
		return d
	}
	return ""
}

// Render is one chart render of the corpus.
type Render struct {
	// Name is the file name without .yaml, e.g. "ingress-nginx".
	Name string
	Path string
	Data []byte
}

// Renders returns every render of the corpus. A test run without the corpus
// is skipped, loudly; a corpus directory without renders fails.
func Renders(tb testing.TB) []Render {
	tb.Helper()
	dir := Dir()
	if dir == "" {
		tb.Skip("no chart corpus: ../shared/corpus/charts is missing and PREADMIT_CORPUS is unset")
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	if len(paths) == 0 {
		tb.Fatalf("no *.yaml renders in %s", dir)
	}
	var out []Render
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		name := filepath.Base(p)
		out = append(out, Render{Name: name[:len(name)-len(".yaml")], Path: p, Data: b})
	}
	return out
}
