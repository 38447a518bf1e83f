package kyvernotest_test

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/preadmit/preadmit/internal/kyvernotest"
)

// TestMain puts a preadmit-authz built from this tree first on PATH, where
// "preadmit test" finds it (next to the test binary there is none), unless
// make unit has put bin/ there already (PREADMIT_BIN set).
func TestMain(m *testing.M) {
	dir := ""
	if os.Getenv("PREADMIT_BIN") == "" {
		var err error
		if dir, err = os.MkdirTemp("", "preadmit-authz-"); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		if out, err := exec.Command("go", "build", "-o", dir+string(filepath.Separator), "../../cmd/preadmit-authz").CombinedOutput(); err != nil {
			fmt.Fprintf(os.Stderr, "go build preadmit-authz: %v\n%s", err, out)
			os.Exit(1)
		}
		os.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
	code := m.Run()
	if dir != "" {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// TestAuthzRequests: ValidatingPolicies in Envoy and HTTP evaluation mode
// are checked on the test's envoyPayloads and httpPayloads, a row per
// request file with kyverno-authz's verdict and the Kyverno CLI's message;
// a verdict that is not the expected one fails its row, and so does a
// request file of the other mode, which the policy does not answer. The
// rows are those "kyverno test" v1.19.0 shows on the directory, its four
// failures included.
func TestAuthzRequests(t *testing.T) {
	ss, err := kyvernotest.Run("testdata/authz-requests/kyverno-test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		resource, expected, actual, message string
		outcome                             kyvernotest.Outcome
	}
	pass := kyvernotest.OutcomePass
	want := map[string][]row{
		"envoy-denied": {
			{"/envoy-empty.json", "fail", "fail", "request denied with status code 401", pass},
			{"/envoy-guest.json", "fail", "fail", "request denied with status code 403", pass},
		},
		"envoy-allowed": {{"/envoy-admin.json", "pass", "pass", "request allowed", pass}},
		"http-verdicts": {
			{"/http-admin-denied.json", "fail", "fail", "request denied, reason: admin only", pass},
			{"/envoy-admin.json", "fail", "", "mode HTTP), not the test's envoy-admin.json", kyvernotest.OutcomeFail},
			{"/envoy-admin.json", "pass", "pass", "request allowed", pass},
			{"/http-admin-denied.json", "pass", "", "checks Envoy", kyvernotest.OutcomeFail},
		},
		"http-allowed":           {{"/http-admin-allowed.json", "pass", "pass", "request allowed", pass}},
		"http-skip-error":        {{"/http-post.json", "skip", "skip", "request does not match", pass}},
		"http-error":             {{"/http-delete.json", "error", "error", "index out of bounds: 0", pass}},
		"http-wrong-expectation": {{"/http-admin-denied.json", "pass", "fail", "request denied, reason: admin only", kyvernotest.OutcomeFail}},
		"envoy-no-requests":      {{"/http-post.json", "pass", "", "checks Envoy", kyvernotest.OutcomeFail}},
	}
	if len(ss) != len(want) {
		t.Fatalf("got %d tests, want %d", len(ss), len(want))
	}
	for _, s := range ss {
		w, ok := want[s.Name]
		if !ok || len(s.Rows) != len(w) {
			t.Errorf("%s: rows %+v, want %+v", s.Name, s.Rows, w)
			continue
		}
		for j, w := range w {
			r := s.Rows[j]
			if r.Resource != w.resource || r.Expected != w.expected || r.Actual != w.actual || r.Outcome != w.outcome || !strings.Contains(r.Message, w.message) {
				t.Errorf("%s row %d = %+v, want %+v", s.Name, j+1, r, w)
			}
		}
	}
}

// TestAuthzWithoutBinary: without preadmit-authz the rows of Envoy and
// HTTP policies are unsupported, never passed, and say how to install it
// (rows on requests of the other mode fail all the same).
func TestAuthzWithoutBinary(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	ss, err := kyvernotest.Run("testdata/authz-requests/kyverno-test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	sum := kyvernotest.Summarize(ss)
	if sum.Unsupported != 9 || sum.Failed != 3 || sum.Total() != 12 {
		t.Errorf("summary %+v, want 9 rows unsupported and the 3 of policies on the other mode's requests failed", sum)
	}
	for _, s := range ss {
		for _, r := range s.Rows {
			if r.Outcome == kyvernotest.OutcomeUnsupported && !strings.Contains(r.Message, "go install github.com/preadmit/preadmit/cmd/preadmit-authz@latest") {
				t.Errorf("%s: message %q does not say how to install preadmit-authz", s.Name, r.Message)
			}
		}
	}
}
