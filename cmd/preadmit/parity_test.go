package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestKyvernoParity is `make parity`: the real Kyverno CLI is the oracle.
// It runs `kyverno test policies/` (KYVERNO_BIN, else bin/kyverno, which
// `make kyverno-cli` builds at the pinned release; a kyverno on PATH is not
// used, as its version would be anyone's) and
// `preadmit test policies/` on the built-in library, requires both to pass,
// and compares their tables row by row: for each test file the same
// (policy, rule, resource) rows with the same result and reason. Row order
// and IDs are not compared: Kyverno walks its responses in map order.
func TestKyvernoParity(t *testing.T) {
	kyverno := kyvernoBinary(t)
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(root, "policies") + "/"

	k := runTool(t, nil, kyverno, "test", dir, "--require-tests", "--remove-color", "-o", "json")
	if k.code != 0 {
		t.Errorf("kyverno test %s: exit %d, want 0 (every test of the library must pass the real Kyverno)\n%s%s", dir, k.code, k.stdout, k.stderr)
	}
	want, err := parseKyvernoTest(k.stdout, root)
	if err != nil {
		t.Fatalf("kyverno test output: %v\n%s", err, k.stdout)
	}

	p := runTool(t, nil, preadmitBinary(t), "test", dir, "--require-tests", "-o", "json")
	if p.code != 0 {
		t.Errorf("preadmit test %s: exit %d, want 0\n%s%s", dir, p.code, p.stdout, p.stderr)
	}
	got, err := parsePreadmitTest(p.stdout, root)
	if err != nil {
		t.Fatalf("preadmit test output: %v\n%s", err, p.stdout)
	}

	if len(want) == 0 {
		t.Fatalf("kyverno test printed no result rows:\n%s", k.stdout)
	}
	onlyKyverno, onlyPreadmit := diffRows(want, got)
	for _, r := range onlyKyverno {
		t.Errorf("only kyverno test:  %s", r)
	}
	for _, r := range onlyPreadmit {
		t.Errorf("only preadmit test: %s", r)
	}
	t.Logf("%d rows compared, %d test files", len(want), countFiles(want))
}

// kyvernoBinary finds the oracle, or skips saying how to get it.
func kyvernoBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("KYVERNO_BIN"); p != "" {
		return p
	}
	if p, err := filepath.Abs(filepath.Join("..", "..", "bin", "kyverno")); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skip("SKIPPED: no Kyverno CLI to compare with: set KYVERNO_BIN or run `make kyverno-cli` (make parity and make unit build it)")
	return ""
}

// relFile names a test file relative to the repository, as both CLIs are
// given the library's absolute path.
func relFile(root, path string) string {
	if rel, err := filepath.Rel(root, path); err == nil {
		return rel
	}
	return filepath.Clean(path)
}

// parityRow is one row of a test table as both CLIs print it, with the
// test file it belongs to, in the form normalRow gives it.
type parityRow struct {
	File, Policy, Rule, Resource, Result, Reason string
}

// normalRow puts a row in the form both tables can be compared in, where
// the two differ in form only. The resource: Kyverno names the resource
// a response is about, "apps/v1/Deployment/default/web"; preadmit the one
// the test result names, "Deployment/web" or "default/Deployment/web"; both
// become "Deployment/web". The rule: Kyverno names the rule that responded,
// "autogen-check" for a Deployment; preadmit the test result's, "check";
// both lose the autogen prefix.
func normalRow(r parityRow) parityRow {
	parts := strings.Split(r.Resource, "/")
	switch {
	case len(parts) >= 4: // Kyverno: apiVersion (one or two parts), kind, namespace, name
		r.Resource = parts[len(parts)-3] + "/" + parts[len(parts)-1]
	case len(parts) == 3: // preadmit: namespace, kind, name
		r.Resource = parts[1] + "/" + parts[2]
	}
	for _, prefix := range []string{"autogen-cronjob-", "autogen-"} {
		if rest, ok := strings.CutPrefix(r.Rule, prefix); ok {
			r.Rule = rest
			break
		}
	}
	return r
}

func (r parityRow) String() string {
	return fmt.Sprintf("%s: policy %s, rule %s, resource %s: %s (%s)", r.File, r.Policy, r.Rule, r.Resource, r.Result, r.Reason)
}

// kyvernoLoading is the line `kyverno test` prints before each test file:
// "Loading test NAME ( PATH ) ...".
var kyvernoLoading = regexp.MustCompile(`^Loading test .* \( (.+) \) \.\.\.$`)

// parseKyvernoTest reads `kyverno test -o json` output: progress lines,
// and after each test file's "Loading test" line a JSON array of rows.
func parseKyvernoTest(out, root string) ([]parityRow, error) {
	var rows []parityRow
	var file string
	var buf []string
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		l := sc.Text()
		if m := kyvernoLoading.FindStringSubmatch(l); m != nil {
			file = relFile(root, m[1])
			continue
		}
		switch {
		case buf == nil && (l == "[" || l == "[]"):
			buf = []string{}
			if l == "[]" {
				buf = nil
				continue
			}
			buf = append(buf, l)
		case buf != nil:
			buf = append(buf, l)
			if l != "]" {
				continue
			}
			var table []struct {
				POLICY, RULE, RESOURCE, RESULT, REASON string
			}
			if err := json.Unmarshal([]byte(strings.Join(buf, "\n")), &table); err != nil {
				return nil, fmt.Errorf("rows of %s: %w", file, err)
			}
			if file == "" {
				return nil, fmt.Errorf("rows before any %q line", "Loading test")
			}
			for _, r := range table {
				rows = append(rows, normalRow(parityRow{file, r.POLICY, r.RULE, r.RESOURCE, r.RESULT, r.REASON}))
			}
			buf = nil
		}
	}
	if buf != nil {
		return nil, fmt.Errorf("unterminated rows of %s", file)
	}
	return rows, sc.Err()
}

// parsePreadmitTest reads `preadmit test -o json`.
func parsePreadmitTest(out, root string) ([]parityRow, error) {
	var rep struct {
		Tests []struct {
			Path    string
			Results []struct {
				Policy, Rule, Resource, Result, Reason string
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		return nil, err
	}
	var rows []parityRow
	for _, s := range rep.Tests {
		for _, r := range s.Results {
			rows = append(rows, normalRow(parityRow{relFile(root, s.Path), r.Policy, r.Rule, r.Resource, r.Result, r.Reason}))
		}
	}
	return rows, nil
}

// diffRows returns the rows of a that b lacks and those of b that a lacks,
// as multisets.
func diffRows(a, b []parityRow) (onlyA, onlyB []parityRow) {
	count := map[parityRow]int{}
	for _, r := range a {
		count[r]++
	}
	for _, r := range b {
		if count[r] > 0 {
			count[r]--
			continue
		}
		onlyB = append(onlyB, r)
	}
	for _, r := range a {
		if count[r] > 0 {
			count[r]--
			onlyA = append(onlyA, r)
		}
	}
	sortRows := func(rs []parityRow) {
		slices.SortFunc(rs, func(x, y parityRow) int { return strings.Compare(x.String(), y.String()) })
	}
	sortRows(onlyA)
	sortRows(onlyB)
	return onlyA, onlyB
}

func countFiles(rows []parityRow) int {
	files := map[string]bool{}
	for _, r := range rows {
		files[r.File] = true
	}
	return len(files)
}

// TestParseKyvernoTest pins the reading of `kyverno test -o json` output,
// as v1.19 prints it, without the binary: progress lines, a JSON array per
// test file (empty when a filter left no result) and the summary.
func TestParseKyvernoTest(t *testing.T) {
	out := `Loading test a ( /repo/policies/x/a/kyverno-test.yaml ) ...
  Loading values/variables ...
  Loading policies ...
  Loading resources ...
  Applying 1 policy to 2 resources ...
  Checking results ...

[
  {
    "ID": 1,
    "POLICY": "a",
    "REASON": "Ok",
    "RESOURCE": "v1/Pod/default/bad",
    "RESULT": "Pass",
    "RULE": "check"
  },
  {
    "ID": 2,
    "POLICY": "a",
    "REASON": "Excluded",
    "RESOURCE": "apps/v1/Deployment/default/other",
    "RESULT": "Pass",
    "RULE": "autogen-check"
  }
]

Loading test b ( /repo/policies/y/b/kyverno-test.yaml ) ...
  Checking results ...

[]


Test Summary: 2 tests passed and 0 tests failed
`
	got, err := parseKyvernoTest(out, "/repo")
	if err != nil {
		t.Fatal(err)
	}
	want := []parityRow{
		{"policies/x/a/kyverno-test.yaml", "a", "check", "Pod/bad", "Pass", "Ok"},
		{"policies/x/a/kyverno-test.yaml", "a", "check", "Deployment/other", "Pass", "Excluded"},
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
	if _, err := parseKyvernoTest("Loading test a ( a.yaml ) ...\n[\n  {\"POLICY\": 1}\n]\n", "/repo"); err == nil {
		t.Error("a row that is not Kyverno's: no error")
	}
	if _, err := parseKyvernoTest("Loading test a ( a.yaml ) ...\n[\n  {\n", "/repo"); err == nil {
		t.Error("an unterminated table: no error")
	}
}

// TestDiffRows: rows are compared as multisets, whatever their order.
func TestDiffRows(t *testing.T) {
	r := func(res, result string) parityRow { return parityRow{"f", "p", "r", res, result, "Ok"} }
	a := []parityRow{r("x", "Pass"), r("y", "Pass"), r("y", "Pass")}
	b := []parityRow{r("y", "Pass"), r("x", "Pass"), r("y", "Fail")}
	onlyA, onlyB := diffRows(a, b)
	if !slices.Equal(onlyA, []parityRow{r("y", "Pass")}) || !slices.Equal(onlyB, []parityRow{r("y", "Fail")}) {
		t.Errorf("diffRows: only a %v, only b %v", onlyA, onlyB)
	}
	if onlyA, onlyB := diffRows(a, []parityRow{a[2], a[0], a[1]}); len(onlyA)+len(onlyB) != 0 {
		t.Errorf("same rows in another order: only a %v, only b %v", onlyA, onlyB)
	}
}

// TestNormalRow: the forms of a resource and a rule both CLIs print become
// one.
func TestNormalRow(t *testing.T) {
	for _, c := range []struct{ rule, resource, wantRule, wantResource string }{
		{"check", "v1/Pod/default/web", "check", "Pod/web"},
		{"autogen-check", "apps/v1/Deployment/default/web", "check", "Deployment/web"},
		{"autogen-cronjob-check", "batch/v1/CronJob//nightly", "check", "CronJob/nightly"},
		{"check", "Pod/web", "check", "Pod/web"},
		{"check", "prod/Pod/web", "check", "Pod/web"},
	} {
		got := normalRow(parityRow{Rule: c.rule, Resource: c.resource})
		if got.Rule != c.wantRule || got.Resource != c.wantResource {
			t.Errorf("normalRow(%s, %s) = %s, %s; want %s, %s", c.rule, c.resource, got.Rule, got.Resource, c.wantRule, c.wantResource)
		}
	}
}
