package main

import (
	"bytes"
	"context"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// runTest runs "preadmit test ..." in process and returns the exit code,
// stdout and stderr.
func runTest(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := run(context.Background(), append([]string{"test"}, args...), strings.NewReader(""), &out, &errb)
	return code, out.String(), errb.String()
}

// TestTestCommand drives "preadmit test" end to end: exit codes, table,
// summary line and flags.
func TestTestCommand(t *testing.T) {
	lib := filepath.Join("..", "..", "policies")
	docs := filepath.Join("..", "..", "testdata", "kyverno-tests")
	fixtures := filepath.Join("..", "..", "internal", "kyvernotest", "testdata")
	empty := t.TempDir()
	cases := []struct {
		name     string
		args     []string
		code     int
		stdout   []string
		stderr   []string
		noStdout []string
	}{
		{name: "library passes", args: []string{lib}, code: 0,
			stdout: []string{"│ ID │ POLICY", "│ RESULT │ REASON │", "tests passed and 0 tests failed\n"}, noStdout: []string{"Aggregated Failed"}},
		{name: "documented behaviour", args: []string{filepath.Join(docs, "validate-deny")}, code: 0,
			stdout: []string{"Loading test validate-deny", "│  1 │ no-loadbalancers │ no-lb │ Service/internal │ Pass   │ Ok     │", "Test Summary: 2 tests passed and 0 tests failed\n"}},
		{name: "wrong expectations fail", args: []string{filepath.Join(fixtures, "wrong-expectations")}, code: 1,
			stdout: []string{"Want pass, got fail", "Not found", "Resource diff", "Test Summary: 5 tests passed and 4 tests failed", "Aggregated Failed Test Cases :", "~ metadata.labels.team"},
			stderr: []string{"4 tests failed"}},
		{name: "fail-only", args: []string{"--fail-only", filepath.Join(fixtures, "wrong-expectations")}, code: 1,
			stdout: []string{"Test Summary: 4 out of 9 tests failed"}},
		{name: "detailed results", args: []string{"--detailed-results", filepath.Join(docs, "validate-deny")}, code: 0,
			stdout: []string{"│ MESSAGE", "Service type LoadBalancer is not allowed."}},
		{name: "exceptions skip the covered result", args: []string{filepath.Join(docs, "exceptions")}, code: 0,
			stdout: []string{"Deployment/important-tool", "2 tests passed and 0 tests failed"}},
		{name: "unsupported kinds fail the run", args: []string{filepath.Join(docs, "generating-policy-unsupported")}, code: 1,
			stdout: []string{"Unsupported", "not checked: 0 skipped, 1 unsupported"}},
		{name: "a result not checked fails the run", args: []string{filepath.Join(docs, "generate-skipped")}, code: 1,
			stdout: []string{"Not checked", "not checked: 1 skipped, 0 unsupported"}, stderr: []string{"1 expected result(s) not checked", "--allow-unchecked"}},
		{name: "allow-unchecked accepts it", args: []string{"--allow-unchecked", filepath.Join(docs, "generate-skipped")}, code: 0,
			stdout: []string{"Not checked", "not checked: 1 skipped, 0 unsupported"}},
		{name: "invalid test file", args: []string{filepath.Join(fixtures, "bad-unknown-field")}, code: 2,
			stderr: []string{"results[0].reslut: unknown field (did you mean result?)", "could not be run"}},
		{name: "invalid policy", args: []string{filepath.Join(fixtures, "bad-policy")}, code: 2,
			stderr: []string{"policy broken, rule no-body"}},
		{name: "policy with a typo", args: []string{filepath.Join("testdata", "kyverno-test-typo")}, code: 2,
			stderr: []string{"policy require-team: spec.validationFailureActon: unknown field (did you mean validationFailureAction?)"}},
		{name: "missing directory", args: []string{filepath.Join(fixtures, "nope")}, code: 2,
			stderr: []string{"no such file"}},
		{name: "no tests", args: []string{empty}, code: 0, stderr: []string{"no test files (kyverno-test.yaml)"}},
		{name: "require-tests", args: []string{"--require-tests", empty}, code: 1, stderr: []string{"no test files"}},
		{name: "bad output format", args: []string{"-o", "yaml", lib}, code: 2, stderr: []string{`--output "yaml"`}},
		{name: "no directory", args: nil, code: 2, stderr: []string{"requires at least 1 arg"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			code, stdout, stderr := runTest(t, tc.args...)
			if code != tc.code {
				t.Errorf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", code, tc.code, stdout, stderr)
			}
			for _, s := range tc.stdout {
				if !strings.Contains(stdout, s) {
					t.Errorf("stdout lacks %q:\n%s", s, stdout)
				}
			}
			for _, s := range tc.noStdout {
				if strings.Contains(stdout, s) {
					t.Errorf("stdout has %q:\n%s", s, stdout)
				}
			}
			for _, s := range tc.stderr {
				if !strings.Contains(stderr, s) {
					t.Errorf("stderr lacks %q:\n%s", s, stderr)
				}
			}
		})
	}
}

func TestTestCommandFormats(t *testing.T) {
	dir := filepath.Join("..", "..", "testdata", "kyverno-tests", "validate-deny")
	t.Run("json", func(t *testing.T) {
		code, stdout, stderr := runTest(t, "-o", "json", dir)
		if code != 0 {
			t.Fatalf("exit %d: %s", code, stderr)
		}
		var doc struct {
			Tests []struct {
				Name    string `json:"name"`
				Results []struct {
					Result, Reason, Expected, Actual string
				} `json:"results"`
			} `json:"tests"`
			Summary struct{ Passed, Failed int } `json:"summary"`
		}
		if err := json.Unmarshal([]byte(stdout), &doc); err != nil {
			t.Fatalf("stdout is not JSON: %v\n%s", err, stdout)
		}
		if len(doc.Tests) != 1 || doc.Tests[0].Name != "validate-deny" || doc.Summary.Passed != 2 || doc.Summary.Failed != 0 {
			t.Errorf("unexpected report: %+v", doc)
		}
		if r := doc.Tests[0].Results[1]; r.Result != "Pass" || r.Expected != "fail" || r.Actual != "fail" {
			t.Errorf("row 2 = %+v", r)
		}
	})
	t.Run("junit file", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "report.xml")
		wrong := filepath.Join("..", "..", "internal", "kyvernotest", "testdata", "wrong-expectations")
		code, stdout, _ := runTest(t, "--junit", path, dir, wrong)
		if code != 1 || !strings.Contains(stdout, "Test Summary:") {
			t.Fatalf("exit %d\n%s", code, stdout)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		var doc struct {
			Tests    int `xml:"tests,attr"`
			Failures int `xml:"failures,attr"`
			Suites   []struct {
				Name string `xml:"name,attr"`
			} `xml:"testsuite"`
		}
		if err := xml.Unmarshal(b, &doc); err != nil {
			t.Fatalf("not XML: %v\n%s", err, b)
		}
		if doc.Tests != 11 || doc.Failures != 4 || len(doc.Suites) != 2 {
			t.Errorf("junit: %+v\n%s", doc, b)
		}
	})
	t.Run("file-name", func(t *testing.T) {
		tmp := t.TempDir()
		for _, f := range []string{"policy.yaml", "resources.yaml"} {
			b, err := os.ReadFile(filepath.Join(dir, f))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(tmp, f), b, 0o600); err != nil {
				t.Fatal(err)
			}
		}
		b, err := os.ReadFile(filepath.Join(dir, "kyverno-test.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, "ci-test.yaml"), b, 0o600); err != nil {
			t.Fatal(err)
		}
		if code, stdout, stderr := runTest(t, "--file-name", "ci-test.yaml", "--require-tests", tmp); code != 0 || !strings.Contains(stdout, "2 tests passed") {
			t.Errorf("exit %d\n%s\n%s", code, stdout, stderr)
		}
		if code, _, _ := runTest(t, "--require-tests", tmp); code != 1 {
			t.Errorf("without --file-name: exit %d, want 1 (no kyverno-test.yaml)", code)
		}
	})
}
