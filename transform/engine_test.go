package transform_test

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestRenderGolden runs each case under testdata/render: policies.yaml
// applied to input.yaml (with the mode named in a "mode" file, if any) must
// give output.yaml and results.txt (every result, one line each).
func TestRenderGolden(t *testing.T) {
	dirs, err := filepath.Glob("testdata/render/*")
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no golden cases")
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			set, err := policy.LoadPaths([]string{filepath.Join(dir, "policies.yaml")})
			if err != nil {
				t.Fatal(err)
			}
			mode := transform.ModePolicy
			if b, err := os.ReadFile(filepath.Join(dir, "mode")); err == nil {
				mode = transform.Mode(strings.TrimSpace(string(b)))
			}
			eng, err := transform.New(transform.Options{Policies: set.Policies, Mode: mode})
			if err != nil {
				t.Fatal(err)
			}
			in, err := os.ReadFile(filepath.Join(dir, "input.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			out, err := eng.Render(in)
			if err != nil {
				t.Fatal(err)
			}
			got, err := out.Bytes()
			if err != nil {
				t.Fatal(err)
			}
			golden(t, filepath.Join(dir, "output.yaml"), got)
			report.Sort(out.Results)
			var lines strings.Builder
			for _, r := range out.Results {
				lines.WriteString(report.Line(r) + "\n")
			}
			golden(t, filepath.Join(dir, "results.txt"), []byte(lines.String()))

			// Idempotence: a second render changes nothing.
			again, err := eng.Render(got)
			if err != nil {
				t.Fatal(err)
			}
			got2, _ := again.Bytes()
			if string(got2) != string(got) {
				t.Errorf("second render changed the output:\n%s", got2)
			}
		})
	}
}

func golden(t *testing.T, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != string(got) {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
