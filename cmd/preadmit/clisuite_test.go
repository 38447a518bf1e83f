package main

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"
)

// kyvernoSuiteVersion is the Kyverno release whose test/cli suite
// TestKyvernoCLISuite runs: the oracle's (hack/tools.mk KYVERNO_VERSION).
const kyvernoSuiteVersion = "v1.19.0"

// cliDeviationsFile lists the suite's directories preadmit is not expected
// to pass; docs/deviations/kyverno-cli-suite.md is generated from it.
var cliDeviationsFile = filepath.Join("testdata", "kyverno-cli-suite", "deviations.yaml")

// cliDeviations is cliDeviationsFile.
type cliDeviations struct {
	// KyvernoFails are directories the real Kyverno CLI fails too.
	KyvernoFails []cliEntry `json:"kyvernoFails"`
	// Deviations are directories Kyverno passes and preadmit does not,
	// each for one of cliCategories.
	Deviations []cliEntry `json:"deviations"`
}

type cliEntry struct {
	Dir      string `json:"dir"`
	Category string `json:"category,omitempty"`
	Reason   string `json:"reason"`
}

// cliCategories are what a deviation may be for, in the order the page
// lists them, with the page's words for each.
var cliCategories = []struct{ name, title, why string }{
	{"cel", "Policies written in CEL",
		"preadmit applies ValidatingPolicy, MutatingPolicy (and their namespaced forms), ValidatingAdmissionPolicy, MutatingAdmissionPolicy and `validate.cel` rules with the API server's CEL environment, Kyverno's own kinds with Kyverno's offline CEL libraries too; `preadmit test` answers their resource, globalContext, http and image data calls from the test's context file, clusterResources and mocks, and runs ValidatingPolicies in JSON, Envoy and HTTP evaluation mode on the test's jsonPayloads, envoyPayloads and httpPayloads, as `kyverno test` does (Envoy and HTTP with kyverno-authz's engine, in preadmit-authz). Left here: tests of GeneratingPolicies and DeletingPolicies (no render-time meaning), a MutatingPolicy's mutateExisting (it changes other objects in the cluster), and a MutatingAdmissionPolicy test that reads the list the Kyverno CLI binds to params where the API server binds one object at a time."},
	{"generate", "Generate rules and GeneratingPolicies",
		"They create other resources in the cluster; at render time there is no cluster to create them in, and preadmit reports them as not applied."},
	{"deleting", "DeletingPolicies and cleanup policies",
		"They delete cluster objects on a schedule, which has no meaning for a rendered stream."},
	{"mutate-existing", "Mutate rules with targets (mutateExisting)",
		"They change other objects already in the cluster, in the background, not the resource being admitted."},
	{"image-verification", "Image verification and registry access",
		"verifyImages rules, image data and signed manifests need registries, keys and the network; preadmit works offline."},
}

// TestKyvernoCLISuite is part of `make parity`: `preadmit test` on every
// directory of Kyverno's own CLI test suite (test/cli of the Kyverno
// module source, one directory at a time), beside `kyverno test` when the
// oracle is there (KYVERNO_BIN, else bin/kyverno). It prints the table and
// fails when a directory Kyverno passes is failed by preadmit without being
// listed in cliDeviationsFile, when a listed directory passes (the list
// stays exact), and, with the oracle, when Kyverno's verdicts are not the
// list's.
//
// It takes minutes (two runs per directory), so it runs when
// KYVERNO_CLI_SUITE is set, as `make parity` sets it.
func TestKyvernoCLISuite(t *testing.T) {
	if os.Getenv("KYVERNO_CLI_SUITE") == "" {
		t.Skip("SKIPPED: set KYVERNO_CLI_SUITE=1 to run Kyverno's CLI test suite (make parity does): about 200 directories, each with preadmit test and kyverno test")
	}
	src := kyvernoCLISuite(t)
	list := readCLIDeviations(t)
	preadmit := preadmitBinary(t)
	kyverno := os.Getenv("KYVERNO_BIN")
	if kyverno == "" {
		if p, err := filepath.Abs(filepath.Join("..", "..", "bin", "kyverno")); err == nil {
			if _, err := os.Stat(p); err == nil {
				kyverno = p
			}
		}
	}

	// A writable copy where each test file has a name of its own, so that
	// each CLI, which searches a directory's subdirectories too, runs that
	// directory's test alone.
	work := t.TempDir()
	if err := os.CopyFS(work, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	dirs := testDirs(t, work)
	if len(dirs) < 100 {
		t.Fatalf("%s: %d test directories, expected about 200", src, len(dirs))
	}
	rows := make([]suiteRow, len(dirs))
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for i := range jobs {
				rows[i] = runSuiteDir(t, work, dirs[i], i, preadmit, kyverno)
			}
		})
	}
	for i := range dirs {
		jobs <- i
	}
	close(jobs)
	wg.Wait()

	table, count, problems := judgeSuite(rows, list)
	for _, p := range problems {
		t.Error(p)
	}
	t.Logf("Kyverno %s test/cli, %d directories:\n%s", kyvernoSuiteVersion, len(rows), table)
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%4d %s", count[k], k)
	}
}

// judgeSuite holds the suite's verdicts to the list: it returns the table,
// the directories counted by outcome, and what is wrong: a directory
// Kyverno passes that preadmit fails unlisted, a listed directory preadmit
// passes, a Kyverno verdict that is not the list's, a directory listed
// twice or not in the suite.
func judgeSuite(rows []suiteRow, list *cliDeviations) (string, map[string]int, []string) {
	var problems []string
	known := map[string]string{}
	kyvernoFails := map[string]bool{}
	add := func(dir, what string) {
		if prev, ok := known[dir]; ok {
			problems = append(problems, fmt.Sprintf("%s: listed twice in %s, as %s and as %s", dir, cliDeviationsFile, prev, what))
		}
		known[dir] = what
	}
	for _, e := range list.KyvernoFails {
		add(e.Dir, "failed by Kyverno")
		kyvernoFails[e.Dir] = true
	}
	for _, e := range list.Deviations {
		add(e.Dir, "deviation ("+e.Category+")")
	}
	var table strings.Builder
	fmt.Fprintf(&table, "%-72s %-8s %-8s %s\n", "DIRECTORY", "KYVERNO", "PREADMIT", "REASON")
	count := map[string]int{}
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r.dir] = true
		kyvernoPasses := !kyvernoFails[r.dir]
		kv := "(listed " + passFail(kyvernoPasses) + ")"
		if r.kyverno != nil {
			kv = passFail(*r.kyverno)
		}
		reason := r.reason
		if k, ok := known[r.dir]; ok && !r.preadmit && kyvernoPasses {
			reason = k + ": " + reason
		}
		fmt.Fprintf(&table, "%-72s %-8s %-8s %s\n", r.dir, kv, passFail(r.preadmit), reason)

		if r.kyverno != nil && *r.kyverno != kyvernoPasses {
			problems = append(problems, fmt.Sprintf("%s: kyverno test %s, the list says it %s: correct kyvernoFails in %s", r.dir, passFail(*r.kyverno), passFail(kyvernoPasses), cliDeviationsFile))
		}
		_, listed := known[r.dir]
		switch {
		case !kyvernoPasses:
			count["kyverno fails"]++
		case r.preadmit && listed:
			problems = append(problems, fmt.Sprintf("%s: preadmit test passes, but it is listed as %s: remove it from %s", r.dir, known[r.dir], cliDeviationsFile))
		case r.preadmit:
			count["both pass"]++
		case listed:
			count[known[r.dir]]++
		default:
			problems = append(problems, fmt.Sprintf("%s: kyverno test passes and preadmit test fails: %s", r.dir, r.reason))
		}
	}
	for _, e := range slices.Concat(list.KyvernoFails, list.Deviations) {
		if !seen[e.Dir] {
			problems = append(problems, fmt.Sprintf("%s: listed in %s, but the suite has no such test directory", e.Dir, cliDeviationsFile))
		}
	}
	return table.String(), count, problems
}

// TestJudgeSuite: each way the suite and the list can disagree is a
// problem; agreement is none.
func TestJudgeSuite(t *testing.T) {
	yes, no := true, false
	list := &cliDeviations{
		KyvernoFails: []cliEntry{{Dir: "kfail"}},
		Deviations:   []cliEntry{{Dir: "gen", Category: "generate"}, {Dir: "later", Category: "cel"}},
	}
	ok := []suiteRow{{dir: "both", kyverno: &yes, preadmit: true}, {dir: "kfail", kyverno: &no}, {dir: "gen", kyverno: &yes}, {dir: "later"}}
	if _, count, problems := judgeSuite(ok, list); len(problems) != 0 || count["both pass"] != 1 || count["kyverno fails"] != 1 || count["deviation (generate)"] != 1 || count["deviation (cel)"] != 1 {
		t.Errorf("agreement: counts %v, problems %v", count, problems)
	}
	for _, tc := range []struct {
		name string
		rows []suiteRow
		list *cliDeviations
		want string
	}{
		{"unlisted failure", append(slices.Clone(ok), suiteRow{dir: "new", reason: "Want pass, got fail"}), list, "new: kyverno test passes and preadmit test fails: Want pass, got fail"},
		{"listed but passes", []suiteRow{ok[0], ok[1], {dir: "gen", preadmit: true}, ok[3]}, list, "gen: preadmit test passes, but it is listed"},
		{"kyverno disagrees", []suiteRow{ok[0], {dir: "kfail", kyverno: &yes}, ok[2], ok[3]}, list, "kfail: kyverno test PASS, the list says it FAIL"},
		{"kyverno fails unlisted", []suiteRow{{dir: "both", kyverno: &no}, ok[1], ok[2], ok[3]}, list, "both: kyverno test FAIL, the list says it PASS"},
		{"listed, not in suite", ok[:3], list, "later: listed in"},
		{"listed twice", ok, &cliDeviations{KyvernoFails: list.KyvernoFails, Deviations: append(slices.Clone(list.Deviations), cliEntry{Dir: "kfail", Category: "cel"})}, "kfail: listed twice"},
	} {
		_, _, problems := judgeSuite(tc.rows, tc.list)
		if !slices.ContainsFunc(problems, func(p string) bool { return strings.HasPrefix(p, tc.want) }) {
			t.Errorf("%s: problems %q, want one starting %q", tc.name, problems, tc.want)
		}
	}
}

// suiteRow is one directory of the suite: each CLI's verdict (kyverno nil
// when it was not run) and why preadmit failed it.
type suiteRow struct {
	dir      string
	kyverno  *bool
	preadmit bool
	reason   string
}

func passFail(pass bool) string {
	if pass {
		return "PASS"
	}
	return "FAIL"
}

// runSuiteDir renames the directory's test file to a name no other
// directory has and runs both CLIs on it.
func runSuiteDir(t *testing.T, root, dir string, i int, preadmit, kyverno string) suiteRow {
	path := filepath.Join(root, dir)
	name := fmt.Sprintf("kyverno-test-%03d.yaml", i)
	if err := os.Rename(filepath.Join(path, "kyverno-test.yaml"), filepath.Join(path, name)); err != nil {
		t.Error(err)
		return suiteRow{dir: dir, reason: err.Error()}
	}
	row := suiteRow{dir: dir}
	p := runTool(t, nil, preadmit, "test", path, "--file-name", name, "-o", "json")
	row.preadmit = p.code == 0
	if !row.preadmit {
		row.reason = strings.ReplaceAll(preadmitReason(p), root+string(filepath.Separator), "")
	}
	if kyverno != "" {
		k := runTool(t, nil, kyverno, "test", path, "--file-name", name, "--remove-color")
		pass := k.code == 0
		row.kyverno = &pass
	}
	return row
}

// preadmitReason is the first failed row of a failed run, or the error
// that stopped it.
func preadmitReason(p toolResult) string {
	var rep struct {
		Tests []struct {
			Results []struct{ Result, Reason, Message string }
		}
	}
	if err := json.Unmarshal([]byte(p.stdout), &rep); err == nil {
		for _, s := range rep.Tests {
			for _, r := range s.Results {
				if r.Result == "Fail" || r.Result == "Unsupported" {
					return shorten(r.Reason + ": " + r.Message)
				}
			}
		}
	}
	return shorten(strings.TrimSpace(strings.SplitN(strings.TrimSpace(p.stderr), "\n", 2)[0]))
}

func shorten(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 150 {
		return s[:147] + "..."
	}
	return s
}

// testDirs returns the directories under root that hold a
// kyverno-test.yaml, relative to root, hidden ones included (as Kyverno
// searches them).
func testDirs(t *testing.T, root string) []string {
	var out []string
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && d.Name() == "kyverno-test.yaml" {
			rel, err := filepath.Rel(root, filepath.Dir(p))
			if err != nil {
				return err
			}
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// kyvernoCLISuite finds test/cli of the Kyverno module source in the
// module cache, downloading it through the module proxy when it is not
// there, or skips saying why.
func kyvernoCLISuite(t *testing.T) string {
	t.Helper()
	mod := "github.com/kyverno/kyverno@" + kyvernoSuiteVersion
	if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
		dir := filepath.Join(strings.TrimSpace(string(out)), "github.com", "kyverno", "kyverno@"+kyvernoSuiteVersion, "test", "cli")
		if _, err := os.Stat(dir); err == nil {
			return dir
		}
	}
	out, err := exec.Command("go", "mod", "download", "-json", mod).Output()
	if err != nil {
		t.Skipf("SKIPPED: Kyverno's CLI test suite is not available: go mod download %s: %v (it needs the module proxy once)", mod, err)
	}
	var info struct{ Dir string }
	if err := json.Unmarshal(out, &info); err != nil || info.Dir == "" {
		t.Skipf("SKIPPED: Kyverno's CLI test suite is not available: go mod download %s printed no directory", mod)
	}
	return filepath.Join(info.Dir, "test", "cli")
}

func readCLIDeviations(t *testing.T) *cliDeviations {
	t.Helper()
	b, err := os.ReadFile(cliDeviationsFile)
	if err != nil {
		t.Fatal(err)
	}
	var l cliDeviations
	if err := sigsyaml.UnmarshalStrict(b, &l); err != nil {
		t.Fatalf("%s: %v", cliDeviationsFile, err)
	}
	return &l
}

// cliSuiteDoc is the deviations page, generated from cliDeviationsFile.
var cliSuiteDoc = filepath.Join("..", "..", "docs", "deviations", "kyverno-cli-suite.md")

// TestKyvernoCLISuiteDoc holds docs/deviations/kyverno-cli-suite.md to the
// list TestKyvernoCLISuite checks; -update writes it. Each deviation has a
// known category.
func TestKyvernoCLISuiteDoc(t *testing.T) {
	list := readCLIDeviations(t)
	var b strings.Builder
	fmt.Fprintf(&b, `# Kyverno's own CLI test suite

Kyverno's CLI is tested with about two hundred directories of `+"`kyverno-test.yaml`"+` files
(`+"`test/cli`"+` of the Kyverno %s source). `+"`make parity`"+` runs `+"`preadmit test`"+` on each
of them, one directory at a time, beside the real `+"`kyverno test`"+`, and prints both verdicts
(`+"`TestKyvernoCLISuite`"+` in cmd/preadmit). Every directory Kyverno passes, preadmit passes too,
except those below, which test what preadmit does not do at render time. The list is checked both
ways: a directory missing from it that preadmit fails, or one on it that preadmit passes, fails
the test. This page is generated from
`+"`cmd/preadmit/testdata/kyverno-cli-suite/deviations.yaml`"+`.
`, kyvernoSuiteVersion)
	byCat := map[string][]cliEntry{}
	for _, e := range list.Deviations {
		byCat[e.Category] = append(byCat[e.Category], e)
	}
	for _, c := range cliCategories {
		es := byCat[c.name]
		delete(byCat, c.name)
		if len(es) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n## %s (%d)\n\n%s\n\n", c.title, len(es), wrapText(c.why, 100))
		for _, e := range es {
			fmt.Fprintf(&b, "- `%s`: %s\n", e.Dir, e.Reason)
		}
	}
	for cat, es := range byCat {
		for _, e := range es {
			t.Errorf("%s: %s: category %q is not one of cel, generate, deleting, mutate-existing, image-verification", cliDeviationsFile, e.Dir, cat)
		}
	}
	fmt.Fprintf(&b, "\n## Directories the Kyverno CLI fails too (%d)\n\nRun offline, as here, `kyverno test` fails these itself:\n\n", len(list.KyvernoFails))
	for _, e := range list.KyvernoFails {
		fmt.Fprintf(&b, "- `%s`: %s\n", e.Dir, e.Reason)
	}
	got := b.String()
	if *update {
		if err := os.WriteFile(cliSuiteDoc, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(cliSuiteDoc)
	if err != nil {
		t.Fatalf("%v (go test ./cmd/preadmit -run TestKyvernoCLISuiteDoc -update writes it)", err)
	}
	if string(want) != got {
		t.Errorf("%s is not the page %s gives: go test ./cmd/preadmit -run TestKyvernoCLISuiteDoc -update", cliSuiteDoc, cliDeviationsFile)
	}
}

// wrapText breaks a paragraph into lines of at most width characters.
func wrapText(s string, width int) string {
	var lines []string
	line := ""
	for _, w := range strings.Fields(s) {
		if line != "" && len(line)+1+len(w) > width {
			lines = append(lines, line)
			line = w
			continue
		}
		if line != "" {
			line += " "
		}
		line += w
	}
	return strings.Join(append(lines, line), "\n")
}
