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
	out := read(tb, "")
	if len(out) == 0 {
		tb.Fatalf("no *.yaml renders in %s", Dir())
	}
	return out
}

// read returns the renders of the corpus directory's subdirectory sub
// ("" for the directory itself), skipping the test without a corpus.
func read(tb testing.TB, sub string) []Render {
	tb.Helper()
	dir := Dir()
	if dir == "" {
		tb.Skip("no chart corpus: ../shared/corpus/charts is missing and PREADMIT_CORPUS is unset")
	}
	paths, err := filepath.Glob(filepath.Join(dir, sub, "*.yaml"))
	if err != nil {
		tb.Fatal(err)
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

// Hooks returns the hook renders of the corpus (hooks/<chart>.yaml: the
// documents of <chart>.yaml that carry a helm.sh/hook annotation, byte for
// byte), each with the full render it was cut from in Full. A corpus
// without hooks/ is skipped, loudly.
func Hooks(tb testing.TB) []HookRender {
	tb.Helper()
	hooks := read(tb, "hooks")
	if len(hooks) == 0 {
		tb.Skipf("no hooks/*.yaml renders in %s", Dir())
	}
	out := make([]HookRender, 0, len(hooks))
	for _, h := range hooks {
		full, err := os.ReadFile(filepath.Join(Dir(), h.Name+".yaml"))
		if err != nil {
			tb.Fatalf("hooks/%s.yaml has no full render beside it: %v", h.Name, err)
		}
		out = append(out, HookRender{Render: h, Full: full})
	}
	return out
}

// HookRender is the hook documents of one chart render, and that render.
type HookRender struct {
	Render
	Full []byte
}
