package report

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// fixedNow is the clock every golden file is written with.
func fixedNow() time.Time { return time.Date(2026, 3, 14, 15, 9, 26, 535897932, time.UTC) }

func goldenOptions() Options {
	return Options{Now: fixedNow, ToolVersion: "v0.1.0-test", Resources: 7, Summary: true}
}

// loadResults reads testdata/results.json, a mix of every status, action
// and scope, in no particular order.
func loadResults(t *testing.T) []Result { return readResults(t, "results.json") }

// loadCELResults reads testdata/cel-results.json: results of CEL policies
// (admission policies through their bindings, a ValidatingPolicy,
// validate.cel), with their failing expressions and fixes.
func loadCELResults(t *testing.T) []Result { return readResults(t, "cel-results.json") }

func readResults(t *testing.T, name string) []Result {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var rs []Result
	if err := json.Unmarshal(data, &rs); err != nil {
		t.Fatalf("testdata/%s: %v", name, err)
	}
	return rs
}

// render writes results through a fresh writer of the format.
func render(t *testing.T, format Format, opts Options, results []Result) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := New(format, &out, opts)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		if err := w.Write(r); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

var goldenExt = map[Format]string{
	FormatLines:        "txt",
	FormatTable:        "txt",
	FormatJSON:         "json",
	FormatPolicyReport: "yaml",
	FormatSARIF:        "sarif",
	FormatJUnit:        "xml",
}

type goldenCase struct {
	name    string
	results func(t *testing.T) []Result
	opts    Options
}

func goldenCases() []goldenCase {
	verbose := goldenOptions()
	verbose.Verbose = true
	return []goldenCase{
		{name: "mixed", results: loadResults, opts: goldenOptions()},
		{name: "verbose", results: loadResults, opts: verbose},
		{name: "empty", results: func(*testing.T) []Result { return nil }, opts: goldenOptions()},
		{name: "cel", results: loadCELResults, opts: goldenOptions()},
	}
}

func goldenPath(c goldenCase, f Format) string {
	return filepath.Join("testdata", "golden", c.name+"."+string(f)+"."+goldenExt[f])
}

func TestGolden(t *testing.T) {
	for _, c := range goldenCases() {
		for _, f := range Formats() {
			if c.name == "verbose" && f != FormatLines && f != FormatTable {
				continue // Verbose only changes lines and table.
			}
			t.Run(c.name+"/"+string(f), func(t *testing.T) {
				got := render(t, f, c.opts, c.results(t))
				path := goldenPath(c, f)
				if *update {
					if err := os.WriteFile(path, got, 0o644); err != nil {
						t.Fatal(err)
					}
				}
				want, err := os.ReadFile(path)
				if err != nil {
					t.Fatalf("%v (run go test -update)", err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s differs from %s (run go test -update):\n%s", f, path, got)
				}
			})
		}
	}
}

// TestOrderIndependent feeds the results in reverse: every format must
// write the same bytes.
func TestOrderIndependent(t *testing.T) {
	results := loadResults(t)
	reversed := make([]Result, len(results))
	for i, r := range results {
		reversed[len(results)-1-i] = r
	}
	for _, f := range Formats() {
		a := render(t, f, goldenOptions(), results)
		b := render(t, f, goldenOptions(), reversed)
		if !bytes.Equal(a, b) {
			t.Errorf("%s: output depends on input order", f)
		}
	}
}

// TestFlushEmpties checks that a second Flush writes only what came after
// the first.
func TestFlushEmpties(t *testing.T) {
	results := loadResults(t)
	var out bytes.Buffer
	w := NewLines(&out, Options{})
	for _, r := range results {
		_ = w.Write(r)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	out.Reset()
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if out.Len() != 0 {
		t.Errorf("second Flush wrote %q", out.String())
	}
}

type failingWriter struct{}

var errDiskFull = errors.New("disk full")

func (failingWriter) Write([]byte) (int, error) { return 0, errDiskFull }

func TestWriteErrorsWrap(t *testing.T) {
	results := loadResults(t)
	for _, f := range Formats() {
		w, err := New(f, failingWriter{}, Options{Now: fixedNow})
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range results {
			_ = w.Write(r)
		}
		if err := w.Flush(); !errors.Is(err, errDiskFull) {
			t.Errorf("%s: Flush() = %v, want wrapped %v", f, err, errDiskFull)
		}
	}
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		want    Format
		wantErr bool
	}{
		{in: "lines", want: FormatLines},
		{in: "table", want: FormatTable},
		{in: "json", want: FormatJSON},
		{in: "policyreport", want: FormatPolicyReport},
		{in: "SARIF", want: FormatSARIF},
		{in: " JUnit ", want: FormatJUnit},
		{in: "yaml", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in)
		if tt.wantErr {
			var unknown *UnknownFormatError
			if !errors.As(err, &unknown) || unknown.Name != tt.in {
				t.Errorf("ParseFormat(%q) error = %v, want *UnknownFormatError", tt.in, err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseFormat(%q) = %q, %v, want %q", tt.in, got, err, tt.want)
		}
	}
	if _, err := New("xml", &bytes.Buffer{}, Options{}); err == nil {
		t.Error(`New("xml") succeeded`)
	}
}

func FuzzParseFormat(f *testing.F) {
	for _, fm := range Formats() {
		f.Add(string(fm))
	}
	f.Add("Policyreport")
	f.Fuzz(func(t *testing.T, name string) {
		got, err := ParseFormat(name)
		if err != nil {
			return
		}
		again, err := ParseFormat(got.String())
		if err != nil || again != got {
			t.Fatalf("ParseFormat(%q) = %q does not round-trip: %q, %v", name, got, again, err)
		}
		if _, err := New(got, &bytes.Buffer{}, Options{}); err != nil {
			t.Fatalf("New(%q): %v", got, err)
		}
	})
}
