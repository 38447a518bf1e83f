package main

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/preadmit/preadmit/internal/corpus"
	"github.com/preadmit/preadmit/pipeline"
)

var updateDifferential = flag.Bool("update-differential", false, "rewrite the expected differences under testdata/differential")

// differentialRun is one input given to both preadmit render and kyverno
// apply, with the same policy files and the same variables.
type differentialRun struct {
	name  string
	input []byte
	// policies are the policy files given to kyverno apply. preadmit gets
	// them with --no-builtin -p unless builtin is set: then it runs its
	// embedded library, whose files these are.
	policies []string
	builtin  bool
	// set are key=value variables, given to both as --set.
	set []string
	// renderArgs are more arguments for preadmit render only: the flag
	// that matches a policy chart value the policies were rendered with.
	renderArgs []string
	// context is a context file given to both (--context-file), crds
	// CustomResourceDefinitions (kyverno apply --crd-paths, preadmit
	// render --crd), exceptions PolicyExceptions (kyverno apply
	// --exception, preadmit render --exceptions); "" for none.
	context, crds, exceptions string
}

// fileFlag is a file a run gives both tools, under each one's flag.
type fileFlag struct{ kyverno, preadmit, path string }

// fileFlags are the flags and paths of the run's context, exceptions and
// CRD files, under the flag name of one tool.
func (r differentialRun) fileFlags(name func(fileFlag) string) []string {
	var out []string
	for _, f := range []fileFlag{
		{"--context-file", "--context-file", r.context},
		{"--exception", "--exceptions", r.exceptions},
		{"--crd-paths", "--crd", r.crds},
	} {
		if f.path != "" {
			out = append(out, name(f), f.path)
		}
	}
	return out
}

// differentialVariants are the variable sets every chart is rendered with:
// the library's defaults, and a mirror registry, which turns on
// mirror-images and the registry allowlist.
var differentialVariants = []struct {
	name string
	set  []string
}{
	{"defaults", nil},
	{"mirror", []string{"preadmit.registry=mirror.example"}},
}

// TestKyvernoDifferentialCharts is part of `make parity`: charts/demo-app
// and every chart under testdata/charts, rendered by helm template, go
// through preadmit render (the built-in library, audit mode, JSON report)
// and through the real kyverno apply (the same policy files and
// variables). Their mutated objects and per-(policy, rule, resource)
// verdicts must agree; the differences there are, each explained in
// docs/deviations/differential.md, are exactly those in
// testdata/differential/charts.txt, so a new difference fails and so does
// one that went away. Each chart also goes through kyverno apply with the
// ClusterPolicies of charts/preadmit-policies, as a cluster would install
// them (defaults, and --set registry=mirror.example against preadmit
// render --registry mirror.example): what admission enforces.
func TestKyvernoDifferentialCharts(t *testing.T) {
	kyverno := kyvernoBinary(t)
	helm := toolBinary(t, "HELM_BIN", "helm")
	charts := []string{filepath.Join("..", "..", "charts", "demo-app")}
	dirs, err := filepath.Glob(filepath.Join("..", "..", "testdata", "charts", "*", "Chart.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range dirs {
		charts = append(charts, filepath.Dir(d))
	}
	chartPolicies := policyChartRuns(t, helm)
	var runs []differentialRun
	for _, c := range charts {
		r := runTool(t, helmHome(t), helm, "template", "demo", c, "--kube-version", "1.31.0")
		if r.code != 0 {
			t.Fatalf("helm template %s: exit %d\n%s", c, r.code, r.stderr)
		}
		runs = append(runs, libraryRuns(t, filepath.Base(c), []byte(r.stdout))...)
		for _, p := range chartPolicies {
			p.name = filepath.Base(c) + " " + p.name
			p.input = []byte(r.stdout)
			runs = append(runs, p)
		}
	}
	checkDifferential(t, kyverno, runs, filepath.Join("testdata", "differential", "charts.txt"))
}

// TestKyvernoDifferentialCorpus is the same over every render of the chart
// corpus (../shared/corpus/charts; skipped without it), against
// testdata/differential/corpus.txt.
func TestKyvernoDifferentialCorpus(t *testing.T) {
	kyverno := kyvernoBinary(t)
	var runs []differentialRun
	for _, r := range corpus.Renders(t) {
		runs = append(runs, libraryRuns(t, r.Name, r.Data)...)
	}
	checkDifferential(t, kyverno, runs, filepath.Join("testdata", "differential", "corpus.txt"))
}

// TestKyvernoDifferentialSemantics runs the same comparison over small
// hand-made cases, one directory per semantic under
// testdata/differential/semantics (policy.yaml and resources.yaml, the
// policy given to both tools with nothing else but, when the directory has
// them, context.yaml as --context-file, crd.yaml as the CRDs and
// exceptions.yaml as the PolicyExceptions), against
// testdata/differential/semantics.txt.
func TestKyvernoDifferentialSemantics(t *testing.T) {
	kyverno := kyvernoBinary(t)
	dirs, err := filepath.Glob(filepath.Join("testdata", "differential", "semantics", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no cases under testdata/differential/semantics")
	}
	var runs []differentialRun
	for _, d := range dirs {
		policy, err := filepath.Abs(filepath.Join(d, "policy.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		input, err := os.ReadFile(filepath.Join(d, "resources.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		r := differentialRun{name: filepath.Base(d), input: input, policies: []string{policy}}
		for file, to := range map[string]*string{"context.yaml": &r.context, "crd.yaml": &r.crds, "exceptions.yaml": &r.exceptions} {
			p, err := filepath.Abs(filepath.Join(d, file))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := os.Stat(p); err == nil {
				*to = p
			}
		}
		runs = append(runs, r)
	}
	checkDifferential(t, kyverno, runs, filepath.Join("testdata", "differential", "semantics.txt"))
}

// policyChartRuns render charts/preadmit-policies with its defaults and
// with a mirror registry, each into a file of ClusterPolicies for kyverno
// apply, with the preadmit render flag that matches the chart value.
func policyChartRuns(t *testing.T, helm string) []differentialRun {
	t.Helper()
	chart := filepath.Join("..", "..", "charts", "preadmit-policies")
	var runs []differentialRun
	for _, v := range []struct {
		name             string
		values, rendered []string
	}{
		{"[policy chart]", nil, nil},
		{"[policy chart, mirror]", []string{"--set", "registry=mirror.example"}, []string{"--registry", "mirror.example"}},
	} {
		args := append([]string{"template", "preadmit-policies", chart, "--kube-version", "1.31.0"}, v.values...)
		r := runTool(t, helmHome(t), helm, args...)
		if r.code != 0 {
			t.Fatalf("helm %s: exit %d\n%s", strings.Join(args, " "), r.code, r.stderr)
		}
		f := filepath.Join(t.TempDir(), "policies.yaml")
		if err := os.WriteFile(f, []byte(r.stdout), 0o600); err != nil {
			t.Fatal(err)
		}
		runs = append(runs, differentialRun{name: v.name, policies: []string{f}, builtin: true, renderArgs: v.rendered})
	}
	return runs
}

// libraryRuns are the runs of one render with the built-in library, one
// per variant.
func libraryRuns(t *testing.T, name string, input []byte) []differentialRun {
	t.Helper()
	files := libraryFiles(t)
	var runs []differentialRun
	for _, v := range differentialVariants {
		runs = append(runs, differentialRun{name: name + " [" + v.name + "]", input: input, policies: files, builtin: true, set: v.set})
	}
	return runs
}

// libraryFiles are the files of the policies preadmit render loads by
// default, in its order, chosen by the loader itself (the profile, the
// opt-in policies left out): what a user gives kyverno apply to run the
// same library.
func libraryFiles(t *testing.T) []string {
	t.Helper()
	set, err := pipeline.LoadPolicies(pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	root, err := filepath.Abs(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, p := range set.Policies {
		rel, ok := strings.CutPrefix(p.File, "embedded:")
		if !ok {
			t.Fatalf("policy %s is not built in: %s", p.Name, p.File)
		}
		if f := filepath.Join(root, filepath.FromSlash(rel)); !slices.Contains(files, f) {
			files = append(files, f)
		}
	}
	if len(files) == 0 {
		t.Fatal("the built-in library loaded no policy")
	}
	return files
}

// checkDifferential runs every run through both tools, in sequence, and
// compares the differences found with the expected file (rewritten by
// -update-differential).
func checkDifferential(t *testing.T, kyverno string, runs []differentialRun, expectedFile string) {
	t.Helper()
	bin := preadmitBinary(t)
	var got []string
	verdicts := 0
	for _, r := range runs {
		d, n := differential(t, kyverno, bin, r)
		if n == 0 {
			t.Errorf("%s: kyverno apply gave no verdict: the case checks nothing", r.name)
		}
		verdicts += n
		for _, l := range d {
			got = append(got, r.name+": "+l)
		}
	}
	t.Logf("%d runs, %d Kyverno verdicts compared, %d differences", len(runs), verdicts, len(got))
	compareExpected(t, got, expectedFile)
}

// differential runs one run through both tools and returns the
// differences, and the number of verdicts Kyverno gave.
func differential(t *testing.T, kyverno, bin string, r differentialRun) ([]string, int) {
	t.Helper()
	dir := t.TempDir()
	resources := filepath.Join(dir, "resources.yaml")
	if err := os.WriteFile(resources, r.input, 0o600); err != nil {
		t.Fatal(err)
	}

	mutated := filepath.Join(dir, "mutated.yaml")
	args := append([]string{"apply"}, r.policies...)
	args = append(args, "--resource", resources, "--policy-report", "--output-format", "json", "-o", mutated, "--remove-color")
	for _, s := range r.set {
		args = append(args, "--set", s)
	}
	args = append(args, r.fileFlags(func(f fileFlag) string { return f.kyverno })...)
	k := runTool(t, nil, kyverno, args...)
	if k.code != 0 && k.code != 1 { // 1: some rule failed
		t.Fatalf("%s: kyverno %s: exit %d\n%s%s", r.name, strings.Join(args, " "), k.code, k.stdout, k.stderr)
	}
	kv, err := kyvernoReport(k.stdout)
	if err != nil {
		t.Fatalf("%s: %v\n%s", r.name, err, k.stdout)
	}
	kb, err := os.ReadFile(mutated)
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}

	report := filepath.Join(dir, "report.json")
	pargs := []string{"render", "--mode", "audit", "-q", "--tty=never", "--report-file", report, "--report-format", "json"}
	if !r.builtin {
		pargs = append(pargs, "--no-builtin")
		for _, p := range r.policies {
			pargs = append(pargs, "-p", p)
		}
	}
	for _, s := range r.set {
		pargs = append(pargs, "--set", s)
	}
	pargs = append(pargs, r.fileFlags(func(f fileFlag) string { return f.preadmit })...)
	pargs = append(pargs, r.renderArgs...)
	p := runToolStdin(t, bin, r.input, pargs...)
	if p.code != 0 {
		t.Fatalf("%s: preadmit %s: exit %d\n%s", r.name, strings.Join(pargs, " "), p.code, p.stderr)
	}
	rb, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	pv, err := preadmitReport(rb)
	if err != nil {
		t.Fatalf("%s: %v", r.name, err)
	}

	in, err := parseObjects(r.input)
	if err != nil {
		t.Fatalf("%s: input: %v", r.name, err)
	}
	po, err := parseObjects([]byte(p.stdout))
	if err != nil {
		t.Fatalf("%s: preadmit output: %v", r.name, err)
	}
	ko, err := parseObjects(kb)
	if err != nil {
		t.Fatalf("%s: kyverno output: %v", r.name, err)
	}
	od, err := diffObjects(in, po, ko)
	if err != nil {
		t.Fatalf("%s: %v", r.name, err)
	}
	return append(diffVerdicts(pv, kv), od...), len(kv)
}

// runToolStdin runs bin with args and stdin.
func runToolStdin(t *testing.T, bin string, stdin []byte, args ...string) toolResult {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Stdin = bytes.NewReader(stdin)
	cmd.Env = append(os.Environ(), "PREADMIT_TTY=never")
	return runExec(t, cmd)
}

// differentialHeader opens every expected-differences file.
const differentialHeader = `# Differences between preadmit render and the real kyverno apply (v1.19.0),
# one per line, written by the TestKyvernoDifferential tests
# (go test ./cmd/preadmit/ -run TestKyvernoDifferential -update-differential).
# Each is explained in docs/deviations/differential.md; the tests fail on
# any line more or less.
`

// compareExpected compares the differences found with those expected.
func compareExpected(t *testing.T, got []string, file string) {
	t.Helper()
	slices.Sort(got)
	if *updateDifferential {
		if err := os.MkdirAll(filepath.Dir(file), 0o755); err != nil {
			t.Fatal(err)
		}
		body := differentialHeader
		for _, l := range got {
			body += l + "\n"
		}
		if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("%v (run with -update-differential to write it)", err)
	}
	var want []string
	for _, l := range strings.Split(string(b), "\n") {
		if l != "" && !strings.HasPrefix(l, "#") {
			want = append(want, l)
		}
	}
	slices.Sort(want)
	for _, l := range got {
		if !slices.Contains(want, l) {
			t.Errorf("new difference: %s", l)
		}
	}
	for _, l := range want {
		if !slices.Contains(got, l) {
			t.Errorf("difference gone (remove it from %s and docs/deviations/differential.md): %s", file, l)
		}
	}
}
