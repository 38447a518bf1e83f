package transform_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/exception"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
	"github.com/preadmit/preadmit/transform/values"
)

var update = flag.Bool("update", false, "rewrite golden files")

// TestRenderGolden runs each case under testdata/render: policies.yaml
// applied to input.yaml must give output.yaml and results.txt (every result,
// one line each). Optional files: "mode" (the --mode), "exceptions.yaml"
// (PolicyExceptions, as --exceptions), "now" (the clock, RFC 3339),
// "options" (one per line: keep-exceptions, require-exception-metadata),
// "context.yaml" (as --context-file: objects and image data standing in for
// the cluster and the registry),
// "error.txt" (the error the render must fail with, instead of output) and
// "compact-fallback" (a compact render falls back to the whole stream).
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
			opts := caseOptions(t, dir)
			in, err := os.ReadFile(filepath.Join(dir, "input.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			var out *transform.Output
			eng, err := transform.New(opts)
			if err == nil {
				out, err = eng.Render(in)
			}
			// A case named *-escaped spells a kind the byte search of a
			// compact render cannot see: it must fall back.
			defer checkCompact(t, opts, in, out, err, strings.HasSuffix(dir, "-escaped") || fileExists(filepath.Join(dir, "compact-fallback")))
			errFile := filepath.Join(dir, "error.txt")
			if err != nil {
				golden(t, errFile, []byte(err.Error()+"\n"))
				return
			}
			if _, statErr := os.Stat(errFile); statErr == nil && !*update {
				t.Fatalf("render succeeded, want the error in %s", errFile)
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

// checkCompact renders in again with Options.Compact and FindingsOnly: the
// same bytes or the same error, the findings of the full results, the same
// totals, and no tree kept unless the render had to fall back to the whole
// stream.
func checkCompact(t *testing.T, opts transform.Options, in []byte, full *transform.Output, fullErr error, fallback bool) {
	t.Helper()
	opts.Compact, opts.FindingsOnly = true, true
	var out *transform.Output
	eng, err := transform.New(opts)
	if err == nil {
		out, err = eng.Render(in)
	}
	if fullErr != nil || err != nil {
		if fmt.Sprint(err) != fmt.Sprint(fullErr) {
			t.Errorf("compact render: error %v, want %v", err, fullErr)
		}
		return
	}
	got, err := out.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	want, _ := full.Bytes()
	if string(got) != string(want) {
		t.Errorf("compact render: output differs:\n%s", got)
	}
	for _, d := range out.Docs {
		if d.Empty() {
			continue
		}
		if kept := d.Node != nil; kept != fallback {
			t.Errorf("compact render: document %d keeps its tree: %v, want %v (a fallback)", d.Index, kept, fallback)
		}
	}
	var findings []report.Result
	for _, r := range full.Results {
		if r.Status != report.StatusPass && r.Status != report.StatusSkip {
			findings = append(findings, r)
		}
	}
	report.Sort(out.Results)
	if !reflect.DeepEqual(out.Results, findings) {
		t.Errorf("compact render: %d findings, want %d", len(out.Results), len(findings))
	}
	if tally := report.Tally(full.Results, full.Resources); out.Totals != tally || full.Totals != tally {
		t.Errorf("totals: compact %v, full %v, tally of the results %v", out.Totals, full.Totals, tally)
	}
}

// caseOptions reads the engine options of a golden case directory.
func caseOptions(t *testing.T, dir string) transform.Options {
	t.Helper()
	set, err := policy.LoadPaths([]string{filepath.Join(dir, "policies.yaml")})
	if err != nil {
		t.Fatal(err)
	}
	opts := transform.Options{Policies: set.Policies, Mode: transform.ModePolicy}
	if b, err := os.ReadFile(filepath.Join(dir, "mode")); err == nil {
		opts.Mode = transform.Mode(strings.TrimSpace(string(b)))
	}
	if b, err := os.ReadFile(filepath.Join(dir, "now")); err == nil {
		now, err := time.Parse(time.RFC3339, strings.TrimSpace(string(b)))
		if err != nil {
			t.Fatalf("now: %v", err)
		}
		opts.Now = func() time.Time { return now }
	}
	if b, err := os.ReadFile(filepath.Join(dir, "options")); err == nil {
		for _, o := range strings.Fields(string(b)) {
			switch o {
			case "keep-exceptions":
				opts.KeepExceptions = true
			case "require-exception-metadata":
				opts.RequireExceptionMetadata = true
			default:
				t.Fatalf("options: unknown %q", o)
			}
		}
	}
	if xf := filepath.Join(dir, "exceptions.yaml"); fileExists(xf) {
		xs, err := exception.LoadPaths([]string{xf}, "default")
		if err != nil {
			t.Fatal(err)
		}
		opts.Exceptions = xs
	}
	if cf := filepath.Join(dir, "context.yaml"); fileExists(cf) {
		b, err := os.ReadFile(cf)
		if err != nil {
			t.Fatal(err)
		}
		var c values.Context
		if err := c.Read(b, cf, "default"); err != nil {
			t.Fatal(err)
		}
		opts.ConfigMaps, opts.ClusterObjects, opts.ImageData = c.ConfigMaps, c.Objects, c.Images
		opts.Offline = transform.OfflineLibraries{Resources: true, Images: true}
	}
	return opts
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
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
