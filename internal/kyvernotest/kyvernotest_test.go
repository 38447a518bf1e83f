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
			ss, err := kyvernotest.Run(f)
			if err != nil {
				t.Fatal(err)
			}
			got := kyvernotest.Summarize(ss)
			if got.Failed != want.Failed || got.Skipped != want.Skipped || got.Unsupported != want.Unsupported || got.Passed == 0 && want == (expectation{}) {
				var b strings.Builder
				for _, s := range ss {
					_ = kyvernotest.WriteTable(&b, s.Rows, true)
				}
				t.Errorf("summary %+v, want %+v\n%s", got, want, b.String())
			}
		})
	}
}

// runOne runs a test file of one test.
func runOne(t *testing.T, path string) *kyvernotest.Suite {
	t.Helper()
	ss, err := kyvernotest.Run(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(ss) != 1 {
		t.Fatalf("%s: %d tests, want 1", path, len(ss))
	}
	return ss[0]
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

// TestWrongExpectations: every expectation of the fixture is wrong. The
// rows are those of the real "kyverno test" v1.19 on the directory, in its
// order: a rule response per row, an Excluded row (a pass) for a phase of
// the policy that has no response before it (the mutate rule's response
// when a validate rule is named, a rule the policy does not have), every
// resource when none has the name (missing, other/plain), resources
// matched by name whatever the kind (Secret/plain checks the ConfigMap).
func TestWrongExpectations(t *testing.T) {
	s := runOne(t, "testdata/wrong-expectations/kyverno-test.yaml")
	want := []struct {
		rule, resource  string
		outcome         kyvernotest.Outcome
		reason, message string
	}{
		{"require-owner", "ConfigMap/plain", kyvernotest.OutcomePass, kyvernotest.ReasonExcluded, "no rule response"},
		{"require-owner", "ConfigMap/plain", kyvernotest.OutcomeFail, "Want pass, got fail", "an owner label is required"},
		{"add-team", "ConfigMap/plain", kyvernotest.OutcomeFail, kyvernotest.ReasonResourceDiff, "patched resource didn't match"},
		{"add-team", "default/ConfigMap/plain", kyvernotest.OutcomePass, kyvernotest.ReasonOk, "mutated"},
		{"add-team", "ConfigMap/plain", kyvernotest.OutcomeFail, kyvernotest.ReasonNotFound, "policy no-such-policy is not in the test's policies"},
		{"no-such-rule", "ConfigMap/plain", kyvernotest.OutcomePass, kyvernotest.ReasonExcluded, "no rule response"},
		{"add-team", "ConfigMap/plain", kyvernotest.OutcomeFail, "Want skip, got pass", "mutated"},
		{"require-owner", "default/ConfigMap/plain", kyvernotest.OutcomePass, kyvernotest.ReasonExcluded, "no rule response"},
		{"require-owner", "default/ConfigMap/plain", kyvernotest.OutcomePass, kyvernotest.ReasonOk, "an owner label is required"},
	}
	if len(s.Rows) != len(want) {
		t.Fatalf("got %d rows, want %d: %+v", len(s.Rows), len(want), s.Rows)
	}
	for i, w := range want {
		r := s.Rows[i]
		if r.Rule != w.rule || r.Outcome != w.outcome || r.Resource != w.resource || r.Reason != w.reason || !strings.Contains(r.Message, w.message) {
			t.Errorf("row %d = %+v, want %s %s %s %s %q", i+1, r, w.rule, w.resource, w.outcome, w.reason, w.message)
		}
	}
	diff := s.Rows[2].Diff
	for _, line := range []string{`- metadata.labels.extra: "1"`, `~ metadata.labels.team: expected "payments", got "platform"`} {
		if !strings.Contains(diff, line) {
			t.Errorf("diff lacks %q:\n%s", line, diff)
		}
	}
	notes := strings.Join(s.Notes, "\n")
	for _, n := range []string{"results[2]: no resource is named missing", "results[4]: policy team-label has no rule no-such-rule", "results[6]: no resource is named other/plain"} {
		if !strings.Contains(notes, n) {
			t.Errorf("notes lack %q:\n%s", n, notes)
		}
	}
}

// TestCLISemantics holds fixtures to the rows the real "kyverno test"
// v1.19 prints for them: a result's operation runs the policies once more
// under it (and the default run selects nothing for a DELETE-only rule:
// Excluded); an UPDATE from the values sees request.oldObject as the
// resource changed by the values; a value under request.object is matched
// as part of the resource; a resource without a namespace is in "default"
// (request.object and patched resources); a resource the patched file
// lacks gives no row, or a Resource error with failOnMissingResources; a
// ValidatingPolicy's resource.Get, globalContext.Get and http.Get read the
// test's context file and mocks.
func TestCLISemantics(t *testing.T) {
	type row struct {
		rule, resource  string
		outcome         kyvernotest.Outcome
		reason, message string
	}
	for _, tc := range []struct {
		dir  string
		want []row
	}{
		{"cli-semantics", []row{
			{"block-deletion", "ConfigMap/plain", kyvernotest.OutcomePass, kyvernotest.ReasonOk, "deleting is forbidden"},
			{"block-deletion", "ConfigMap/plain", kyvernotest.OutcomePass, kyvernotest.ReasonExcluded, "no rule response"},
			{"labels-changed", "ConfigMap/plain", kyvernotest.OutcomePass, kyvernotest.ReasonOk, "labels must not change"},
			{"annotated", "shop/ConfigMap/marked", kyvernotest.OutcomePass, kyvernotest.ReasonOk, "read-only"},
		}},
		{"cli-patched", []row{
			{"owner", "ConfigMap/plain", kyvernotest.OutcomePass, kyvernotest.ReasonOk, "mutated"},
			{"owner", "ConfigMap/marked", kyvernotest.OutcomeFail, kyvernotest.ReasonResourceError, "patched.yaml holds no v1 ConfigMap shop/marked"},
		}},
		// Kyverno's CEL libraries that read the cluster and the network,
		// answered from the context file, globalContextEntries and
		// apiCallResponses.
		{"cel-cluster-libraries", []row{
			{"", "Pod/good-pod", kyvernotest.OutcomePass, kyvernotest.ReasonOk, ""},
			{"", "Pod/bad-pod", kyvernotest.OutcomePass, kyvernotest.ReasonOk, "name bad-pod is not in the allowed-names ConfigMap"},
		}},
		// resource.Get and resource.List read the test's clusterResources: a custom
		// resource, mapped with the CRD the ClusterResource names.
		// A kind preadmit does not run, on no resource in particular.
		{"unsupported-no-resources", []row{
			{"", "(every resource)", kyvernotest.OutcomeUnsupported, kyvernotest.ReasonUnsupported, "DeletingPolicy is not supported by preadmit yet"},
		}},
		{"cel-cluster-resources", []row{
			{"", "Pod/small", kyvernotest.OutcomePass, kyvernotest.ReasonOk, ""},
			{"", "Pod/big", kyvernotest.OutcomePass, kyvernotest.ReasonOk, "the payments team may run 3 replicas"},
		}},
		// ...and the context file's objects of every kind, as kyverno test
		// reads them (a ResourceQuota, a Secret).
		{"cel-context-objects", []row{
			{"", "Pod/small", kyvernotest.OutcomePass, kyvernotest.ReasonOk, ""},
			{"", "Pod/big", kyvernotest.OutcomePass, kyvernotest.ReasonOk, "the quota allows 2 pods"},
		}},
	} {
		t.Run(tc.dir, func(t *testing.T) {
			s := runOne(t, filepath.Join("testdata", tc.dir, "kyverno-test.yaml"))
			if len(s.Rows) != len(tc.want) {
				t.Fatalf("got %d rows, want %d: %+v", len(s.Rows), len(tc.want), s.Rows)
			}
			for i, w := range tc.want {
				r := s.Rows[i]
				if r.Rule != w.rule || r.Resource != w.resource || r.Outcome != w.outcome || r.Reason != w.reason || !strings.Contains(r.Message, w.message) {
					t.Errorf("row %d = %+v, want %+v", i+1, r, w)
				}
			}
		})
	}
}

// TestJSONPayloads holds the fixture to the rows the real "kyverno test"
// v1.19 prints for it, test by test: a ValidatingPolicy in JSON evaluation
// mode fails, passes and is skipped (matchConditions, a PolicyException)
// on JSON and YAML payloads, which the rows name /file as kyverno test
// does, and on the test's resources as if they were payloads; each
// document of the test file is a test of its own.
func TestJSONPayloads(t *testing.T) {
	ss, err := kyvernotest.Run("testdata/cel-json-payloads/kyverno-test.yaml")
	if err != nil {
		t.Fatal(err)
	}
	type row struct{ resource, expected, actual, message string }
	want := [][]row{
		{
			{"/plan-root.json", "fail", "fail", "enabled root CA: root"},
			{"/plan-disabled.json", "pass", "pass", ""},
			{"/plan-buckets.yaml", "skip", "skip", `matchCondition "has-ca" is false`},
			{"/plan-sandbox.json", "skip", "skip", "skipped by PolicyException default/sandbox-plans"},
		},
		{{"/plan-root.json", "fail", "fail", "enabled root CA: root"}},
		{
			{"Plan/staged", "fail", "fail", "enabled root CA: staged-root"},
			{"ConfigMap/settings", "error", "error", "no such key: resource_changes"},
		},
	}
	if len(ss) != len(want) || ss[0].Name != "terraform-plans" || ss[1].Name != "one-plan" || ss[2].Name != "resources-as-payloads" {
		t.Fatalf("got %d tests, want terraform-plans, one-plan and resources-as-payloads: %+v", len(ss), ss)
	}
	for i, s := range ss {
		if len(s.Rows) != len(want[i]) {
			t.Fatalf("%s: got %d rows, want %d: %+v", s.Name, len(s.Rows), len(want[i]), s.Rows)
		}
		for j, w := range want[i] {
			r := s.Rows[j]
			if r.Resource != w.resource || r.Expected != w.expected || r.Actual != w.actual || r.Outcome != kyvernotest.OutcomePass || !strings.HasSuffix(r.Message, w.message) {
				t.Errorf("%s row %d = %+v, want %+v", s.Name, j+1, r, w)
			}
		}
	}
}

// TestFileErrors: invalid test files and policies are *FileError values
// naming the file and the problem.
func TestFileErrors(t *testing.T) {
	cases := map[string]string{
		"bad-unknown-field":          "results[0].reslut: unknown field (did you mean result?)",
		"bad-policy":                 "a rule needs exactly one of mutate, validate",
		"bad-result":                 `result "passed": expected pass, fail, skip, warn or error`,
		"bad-operation":              `operation "PATCH": expected CREATE, UPDATE or DELETE`,
		"bad-test-cluster-resources": `kind "ConfigMap": want ClusterResource`,
		"bad-test-cluster-crd":       "spec.crds of",
		"bad-test-cluster-field":     "spec.resource: unknown field (did you mean resources?)",
		"bad-json-payload":           "list.json: JSON payload: must be an object (a mapping) at the top level",
		"bad-authz-policy":           "policy.yaml: ValidatingPolicy envoy-typo: spec.validations[0].expression",
		"missing":                    "no such file",
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
	if len(files) != 18 || !strings.HasSuffix(files[1], filepath.Join("bad-authz-policy", "kyverno-test.yaml")) {
		t.Errorf("Discover = %v", files)
	}
	if _, err := kyvernotest.Discover([]string{"testdata/none"}, ""); err == nil {
		t.Error("Discover of a missing directory: want an error")
	}
}
