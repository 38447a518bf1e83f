package policies

import (
	"io/fs"
	"os"
	"os/exec"
	"path"
	"slices"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/kio"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/policy"
)

// requiredAnnotations are the annotations every built-in carries; they feed
// `preadmit policies`, the reports and the runbook-style remediation hints.
var requiredAnnotations = []string{
	"policies.kyverno.io/title",
	"policies.kyverno.io/category",
	"policies.kyverno.io/severity",
	"policies.kyverno.io/description",
	"policies.kyverno.io/subject",
	"preadmit.io/remediation",
}

// libraryPolicy is one <group>/<name>/ directory of the library.
type libraryPolicy struct {
	group, name, dir string
}

func listPolicies(t *testing.T) []libraryPolicy {
	t.Helper()
	var out []libraryPolicy
	err := fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() || p == "." {
			return nil
		}
		if _, err := fs.Stat(FS, path.Join(p, "kyverno-test.yaml")); err != nil {
			return nil
		}
		out = append(out, libraryPolicy{group: strings.Split(p, "/")[0], name: path.Base(p), dir: p})
		return fs.SkipDir
	})
	if err != nil {
		t.Fatalf("walking the embedded library: %v", err)
	}
	if len(out) == 0 {
		t.Fatal("the embedded library holds no policy directory")
	}
	return out
}

func readDocs(t *testing.T, file string) []*yaml.RNode {
	t.Helper()
	b, err := fs.ReadFile(FS, file)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	nodes, err := kio.FromBytes(b)
	if err != nil {
		t.Fatalf("%s: parsing YAML: %v", file, err)
	}
	return nodes
}

func str(t *testing.T, n *yaml.RNode, fields ...string) string {
	t.Helper()
	v, err := n.Pipe(yaml.Lookup(fields...))
	if err != nil || v == nil {
		return ""
	}
	return yaml.GetValue(v)
}

func strs(n *yaml.RNode, fields ...string) []string {
	v, err := n.Pipe(yaml.Lookup(fields...))
	if err != nil || v == nil {
		return nil
	}
	var out []string
	for _, e := range v.YNode().Content {
		out = append(out, e.Value)
	}
	return out
}

func TestLibraryPolicies(t *testing.T) {
	names := map[string]string{}
	for _, lp := range listPolicies(t) {
		t.Run(lp.dir, func(t *testing.T) {
			if prev, ok := names[lp.name]; ok {
				t.Fatalf("policy name %q is used by %s and %s", lp.name, prev, lp.dir)
			}
			names[lp.name] = lp.dir
			docs := readDocs(t, path.Join(lp.dir, lp.name+".yaml"))
			if len(docs) != 1 {
				t.Fatalf("%s.yaml: want exactly one document, got %d", lp.name, len(docs))
			}
			p := docs[0]
			if lp.group == "cel" {
				checkCELTwin(t, lp, p)
				return
			}
			if got := p.GetApiVersion(); got != "kyverno.io/v1" {
				t.Errorf("apiVersion = %q, want kyverno.io/v1", got)
			}
			if got := p.GetKind(); got != "ClusterPolicy" {
				t.Errorf("kind = %q, want ClusterPolicy", got)
			}
			if got := p.GetName(); got != lp.name {
				t.Errorf("metadata.name = %q, want the directory name %q", got, lp.name)
			}
			ann := p.GetAnnotations()
			for _, a := range requiredAnnotations {
				if strings.TrimSpace(ann[a]) == "" {
					t.Errorf("annotation %s is missing or empty", a)
				}
			}
			if r := ann["preadmit.io/remediation"]; r != "" {
				if _, err := yaml.Parse(r); err != nil {
					t.Errorf("preadmit.io/remediation is not YAML: %v", err)
				}
			}
			rules, err := p.Pipe(yaml.Lookup("spec", "rules"))
			if err != nil || rules == nil {
				t.Fatal("spec.rules is missing")
			}
			for _, r := range rules.YNode().Content {
				checkRuleKinds(t, yaml.NewRNode(r))
			}
			checkTest(t, lp, p)
		})
	}
}

// checkRuleKinds enforces the library convention: Pod rules list Pod alone,
// so that auto-generation (not hand-written matches) covers the controllers.
func checkRuleKinds(t *testing.T, r *yaml.RNode) {
	t.Helper()
	name := str(t, r, "name")
	any, _ := r.Pipe(yaml.Lookup("match", "any"))
	if any == nil {
		t.Errorf("rule %s: want match.any", name)
		return
	}
	for _, f := range any.YNode().Content {
		kinds := strs(yaml.NewRNode(f), "resources", "kinds")
		if slices.Contains(kinds, "Pod") && len(kinds) > 1 {
			t.Errorf("rule %s matches Pod together with %v: match Pod alone and let autogen cover controllers", name, kinds)
		}
	}
}

// checkTest cross-checks kyverno-test.yaml against the policy, its resources
// and its patched-*.yaml files, so a typo cannot make `kyverno test` skip a
// case silently.
func checkTest(t *testing.T, lp libraryPolicy, p *yaml.RNode) {
	t.Helper()
	docs := readDocs(t, path.Join(lp.dir, "kyverno-test.yaml"))
	if len(docs) != 1 {
		t.Fatalf("kyverno-test.yaml: want one document, got %d", len(docs))
	}
	test := docs[0]
	if test.GetApiVersion() != "cli.kyverno.io/v1alpha1" || test.GetKind() != "Test" {
		t.Errorf("kyverno-test.yaml: want cli.kyverno.io/v1alpha1 Test, got %s %s", test.GetApiVersion(), test.GetKind())
	}
	if got := strs(test, "policies"); !slices.Equal(got, []string{lp.name + ".yaml"}) {
		t.Errorf("kyverno-test.yaml policies = %v, want [%s.yaml]", got, lp.name)
	}
	type key struct{ kind, name string }
	resources := map[key]bool{}
	for _, f := range strs(test, "resources") {
		for _, r := range readDocs(t, path.Join(lp.dir, f)) {
			resources[key{r.GetKind(), r.GetName()}] = true
		}
	}
	ruleNames := map[string]bool{}
	isValidate := map[string]bool{}
	rules, _ := p.Pipe(yaml.Lookup("spec", "rules"))
	for _, r := range rules.YNode().Content {
		rn := yaml.NewRNode(r)
		n := str(t, rn, "name")
		ruleNames[n] = true
		isValidate[n] = rn.Field("validate") != nil
	}
	// A validate rule needs a passing and a failing resource. A mutate rule
	// cannot fail: its two sides are a resource it patches (pass, with
	// patchedResources) and one it leaves alone (skip: Kyverno's "no
	// patches applied", or a precondition or condition anchor not met).
	type outcome struct{ pass, fail, skip, patched, deployment bool }
	seen := map[string]*outcome{}
	results, _ := test.Pipe(yaml.Lookup("results"))
	if results == nil {
		t.Fatal("kyverno-test.yaml: results are missing")
	}
	for _, e := range results.YNode().Content {
		res := yaml.NewRNode(e)
		rule, kind, want := str(t, res, "rule"), str(t, res, "kind"), str(t, res, "result")
		if got := str(t, res, "policy"); got != lp.name {
			t.Errorf("result for rule %s names policy %q", rule, got)
		}
		if !ruleNames[rule] {
			t.Errorf("result names unknown rule %q", rule)
			continue
		}
		if !slices.Contains([]string{"pass", "fail", "skip"}, want) {
			t.Errorf("rule %s: result %q is not pass, fail or skip", rule, want)
		}
		o := seen[rule]
		if o == nil {
			o = &outcome{}
			seen[rule] = o
		}
		o.pass = o.pass || want == "pass"
		o.fail = o.fail || want == "fail"
		o.skip = o.skip || want == "skip"
		o.patched = o.patched || (want == "pass" && str(t, res, "patchedResources") != "")
		o.deployment = o.deployment || kind == "Deployment"
		for _, name := range strs(res, "resources") {
			if !resources[key{kind, name}] {
				t.Errorf("rule %s: resource %s/%s is not in the test's resources", rule, kind, name)
			}
		}
		if pf := str(t, res, "patchedResources"); pf != "" {
			if !strings.HasPrefix(pf, "patched-") {
				t.Errorf("rule %s: patched resource file %s should be named patched-*.yaml", rule, pf)
			}
			for _, d := range readDocs(t, path.Join(lp.dir, pf)) {
				for _, name := range strs(res, "resources") {
					if d.GetKind() != kind || d.GetName() != name {
						t.Errorf("rule %s: %s holds %s/%s, want %s/%s", rule, pf, d.GetKind(), d.GetName(), kind, name)
					}
				}
			}
		}
	}
	for r := range ruleNames {
		o := seen[r]
		switch {
		case o == nil:
			t.Errorf("rule %s has no test result", r)
		case !o.pass:
			t.Errorf("rule %s has no passing resource", r)
		case isValidate[r] && !o.fail:
			t.Errorf("validate rule %s has no failing resource", r)
		case !isValidate[r] && !o.patched:
			t.Errorf("mutate rule %s has no passing result with patchedResources", r)
		case !isValidate[r] && !o.skip:
			t.Errorf("mutate rule %s has no resource it leaves unchanged (result: skip)", r)
		}
	}
	if !slices.ContainsFunc(slices.Collect(func(yield func(*outcome) bool) {
		for _, o := range seen {
			if !yield(o) {
				return
			}
		}
	}), func(o *outcome) bool { return o.deployment }) {
		t.Error("no result for a Deployment: auto-generation is untested")
	}
}

// TestLibraryLoads runs the embedded library through preadmit's own loader,
// which validates rule shapes and adds the autogen rules. The load runs in a
// child process so that a crash in the loader fails this test with its
// output instead of taking the other library tests down with it.
func TestLibraryLoads(t *testing.T) {
	if os.Getenv(loadChildEnv) == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestLibraryLoads$", "-test.count=1", "-test.v")
		cmd.Env = append(os.Environ(), loadChildEnv+"=1")
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("loading the embedded library: %v\n%s", err, head(out, 40))
		}
		return
	}
	set, err := policy.LoadFS(FS, ".", "embedded:policies")
	if err != nil {
		t.Fatalf("loading the embedded library: %v", err)
	}
	var got []string
	for _, p := range set.Policies {
		got = append(got, p.Name)
	}
	dirs := listPolicies(t)
	for _, lp := range dirs {
		if !slices.Contains(got, lp.name) {
			t.Errorf("policy %s (%s) was not loaded; loaded: %v", lp.name, lp.dir, got)
		}
	}
	if len(got) != len(dirs) {
		t.Errorf("loaded %d policies from %d policy directories: %v", len(got), len(dirs), got)
	}
}

const loadChildEnv = "PREADMIT_POLICIES_LOAD_CHILD"

func head(b []byte, lines int) string {
	l := strings.SplitN(string(b), "\n", lines+1)
	if len(l) > lines {
		l = l[:lines]
	}
	return strings.Join(l, "\n")
}

// checkCELTwin checks a CEL twin under cel/: a MutatingPolicy named for its
// directory, opt-in, with the annotations every library policy has, whose
// classic policy (its name without "-cel") is in the library.
func checkCELTwin(t *testing.T, lp libraryPolicy, p *yaml.RNode) {
	t.Helper()
	if got := p.GetApiVersion(); got != "policies.kyverno.io/v1" {
		t.Errorf("apiVersion = %q, want policies.kyverno.io/v1", got)
	}
	if got := p.GetKind(); got != "MutatingPolicy" && got != "ValidatingPolicy" {
		t.Errorf("kind = %q, want MutatingPolicy or ValidatingPolicy", got)
	}
	if got := p.GetName(); got != lp.name || !strings.HasSuffix(got, "-cel") {
		t.Errorf("metadata.name = %q, want the directory name %q ending in -cel", got, lp.name)
	}
	ann := p.GetAnnotations()
	if ann["preadmit.io/opt-in"] != "true" {
		t.Error(`a CEL twin must be opt-in (preadmit.io/opt-in: "true"): its classic policy runs by default`)
	}
	for _, a := range []string{"policies.kyverno.io/title", "policies.kyverno.io/category", "policies.kyverno.io/description"} {
		if strings.TrimSpace(ann[a]) == "" {
			t.Errorf("annotation %s is missing or empty", a)
		}
	}
	classic := strings.TrimSuffix(lp.name, "-cel")
	found := false
	for _, o := range listPolicies(t) {
		found = found || (o.name == classic && o.group != "cel")
	}
	if !found {
		t.Errorf("no classic policy %s beside the twin", classic)
	}
}
