package kyvernotest_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"

	"github.com/preadmit/preadmit/internal/kyvernotest"
)

// expectation is a test directory's preadmit-expect.yaml: how many rows
// are not plain passes. Without the file every row must pass.
type expectation struct {
	Failed      int `json:"failed"`
	Skipped     int `json:"skipped"`
	Unsupported int `json:"unsupported"`
}

func runDirs(t *testing.T, root string, cite bool) {
	t.Helper()
	files, err := kyvernotest.Discover([]string{root}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("no test files under %s", root)
	}
	for _, f := range files {
		dir := filepath.Dir(f)
		t.Run(filepath.ToSlash(dir), func(t *testing.T) {
			if cite {
				b, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				if !strings.HasPrefix(string(b), "# Follows https://kyverno.io/docs/") {
					t.Errorf("%s must start with a comment citing the kyverno.io doc page it follows", f)
				}
			}
			var want expectation
			if b, err := os.ReadFile(filepath.Join(dir, "preadmit-expect.yaml")); err == nil {
				if err := sigsyaml.UnmarshalStrict(b, &want); err != nil {
					t.Fatal(err)
				}
			}
			s, err := kyvernotest.Run(f)
			if err != nil {
				t.Fatal(err)
			}
			got := kyvernotest.Summarize([]*kyvernotest.Suite{s})
			if got.Failed != want.Failed || got.Skipped != want.Skipped || got.Unsupported != want.Unsupported || got.Passed == 0 && want == (expectation{}) {
				var b strings.Builder
				_ = kyvernotest.WriteTable(&b, s.Rows, true)
				t.Errorf("summary %+v, want %+v\n%s", got, want, b.String())
			}
		})
	}
}

// TestDocumentedBehaviours runs every directory of testdata/kyverno-tests,
// each following a kyverno.io page, through the public entry point.
func TestDocumentedBehaviours(t *testing.T) {
	runDirs(t, "../../testdata/kyverno-tests", true)
}

// TestLibrary runs the built-in library's own kyverno-test.yaml files.
func TestLibrary(t *testing.T) {
	runDirs(t, "../../policies", false)
}

// TestWrongExpectations: every expectation of the fixture is wrong, and
// each row must fail with the reason Kyverno would give.
func TestWrongExpectations(t *testing.T) {
	s, err := kyvernotest.Run("testdata/wrong-expectations/kyverno-test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := []struct{ resource, reason, message string }{
		{"ConfigMap/plain", "Want pass, got fail", "an owner label is required"},
		{"ConfigMap/plain", kyvernotest.ReasonResourceDiff, "patched resource didn't match"},
		{"ConfigMap/missing", kyvernotest.ReasonNotFound, "no ConfigMap missing"},
		{"ConfigMap/plain", kyvernotest.ReasonNotFound, "policy no-such-policy is not in the test's policies"},
		{"ConfigMap/plain", kyvernotest.ReasonNotFound, "policy team-label has no rule no-such-rule"},
		{"Secret/plain", kyvernotest.ReasonNotFound, "no Secret plain"},
		{"other/ConfigMap/plain", kyvernotest.ReasonNotFound, "no ConfigMap other/plain"},
	}
	if len(s.Rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(s.Rows), len(want), s.Rows)
	}
	for i, w := range want {
		r := s.Rows[i]
		if r.Outcome != kyvernotest.OutcomeFail || r.Resource != w.resource || r.Reason != w.reason || !strings.Contains(r.Message, w.message) {
			t.Errorf("row %d = %+v, want Fail %s %q %q", i+1, r, w.resource, w.reason, w.message)
		}
	}
	diff := s.Rows[1].Diff
	for _, line := range []string{`- metadata.labels.extra: "1"`, `~ metadata.labels.team: expected "payments", got "platform"`} {
		if !strings.Contains(diff, line) {
			t.Errorf("diff lacks %q:\n%s", line, diff)
		}
	}
}

// TestFileErrors: invalid test files and policies are *FileError values
// naming the file and the problem.
func TestFileErrors(t *testing.T) {
	cases := map[string]string{
		"bad-unknown-field": "results[0].reslut: unknown field (did you mean result?)",
		"bad-policy":        "a rule needs exactly one of mutate, validate",
		"bad-result":        `result "passed": expected pass, fail, skip, warn or error`,
		"missing":           "no such file",
	}
	for dir, want := range cases {
		t.Run(dir, func(t *testing.T) {
			_, err := kyvernotest.Run(filepath.Join("testdata", dir, "kyverno-test.yaml"))
			var fe *kyvernotest.FileError
			if !errors.As(err, &fe) {
				t.Fatalf("got %v, want a *FileError", err)
			}
			if !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), dir) {
				t.Errorf("error %q does not name %s and %q", err, dir, want)
			}
		})
	}
}

func TestDiscover(t *testing.T) {
	files, err := kyvernotest.Discover([]string{"testdata"}, "")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != 4 || !strings.HasSuffix(files[0], filepath.Join("bad-policy", "kyverno-test.yaml")) {
		t.Errorf("Discover = %v", files)
	}
	if _, err := kyvernotest.Discover([]string{"testdata/none"}, ""); err == nil {
		t.Error("Discover of a missing directory: want an error")
	}
}
