package kyvernotest

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/exception"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

// Run loads the test file at path, runs its policies on its resources with
// preadmit's engine and compares every expected result. Problems with the
// test or the files it names are *FileError values.
func Run(path string) (*Suite, error) {
	t, err := LoadTest(path)
	if err != nil {
		return nil, err
	}
	r := &runner{path: path, dir: filepath.Dir(path), test: t,
		suite:    &Suite{Name: t.name(path), Path: path},
		prefixes: map[int]*transform.Output{}, patched: map[string][]patchedDoc{}}
	if err := r.prepare(); err != nil {
		return nil, err
	}
	r.notes()
	for i := range t.Results {
		if err := r.check(&t.Results[i]); err != nil {
			return nil, err
		}
	}
	for range t.Checks {
		r.add(Row{Outcome: OutcomeUnsupported, Reason: ReasonUnsupported, Expected: "-",
			Message: "checks (assertion trees) are not supported by preadmit yet"})
	}
	return r.suite, nil
}

type runner struct {
	path, dir string
	test      *Test
	suite     *Suite
	set       *policySet
	opts      transform.Options
	input     []byte
	out       *transform.Output
	resources []resource
	results   map[unitKey][]report.Result
	// prefixes are renders with the first n+1 policies only: Kyverno
	// compares a policy's patched resource as that policy left it.
	prefixes map[int]*transform.Output
	patched  map[string][]patchedDoc
}

// prepare loads the files the test names and runs the engine once.
func (r *runner) prepare() error {
	if err := r.loadPolicies(); err != nil {
		return err
	}
	values := r.test.Values
	if values == nil && r.test.Variables != "" {
		values = &Values{}
		// Kyverno reads any kind there; its own tests write Value too.
		if err := r.decode(r.test.Variables, values, "Values", "Value"); err != nil {
			return err
		}
	}
	var ui *UserInfo
	if r.test.UserInfo != "" {
		ui = &UserInfo{}
		if err := r.decode(r.test.UserInfo, ui, "UserInfo"); err != nil {
			return err
		}
	}
	var cf *ContextFile
	if r.test.Context != "" {
		cf = &ContextFile{}
		if err := r.decode(r.test.Context, cf, "Context"); err != nil {
			return err
		}
	}
	var xs []*exception.Exception
	if len(r.test.Exceptions) > 0 {
		paths := make([]string, len(r.test.Exceptions))
		for i, p := range r.test.Exceptions {
			paths[i] = resolve(r.dir, p)
		}
		var err error
		if xs, err = exception.LoadPaths(paths, "default"); err != nil {
			return &FileError{Test: r.path, File: strings.Join(paths, ", "), Err: err}
		}
	}
	apiCalls, err := apiCallResponses(r.test.APICallResponses)
	if err != nil {
		return &FileError{Test: r.path, Err: err}
	}
	gctx, err := globalContext(r.dir, r.test.GlobalContextEntries)
	if err != nil {
		return &FileError{Test: r.path, Err: err}
	}
	r.opts = transform.Options{
		Policies:         r.set.policies,
		Values:           valuesHook(values),
		UserInfo:         ui.requestInfo(),
		NamespaceLabels:  namespaceLabels(values),
		ConfigMaps:       contextConfigMaps(cf),
		Exceptions:       xs,
		APICallResponses: apiCalls,
		GlobalContext:    gctx,
	}
	if r.input, err = r.readResources(); err != nil {
		return err
	}
	if r.out, err = r.render(r.set.policies); err != nil {
		return err
	}
	r.resources = indexResources(r.out.Docs)
	r.results = map[unitKey][]report.Result{}
	for _, res := range r.out.Results {
		k := unitKey{res.Resource.Index, res.Resource.Item}
		r.results[k] = append(r.results[k], res)
	}
	return nil
}

func (r *runner) render(ps []*policy.Policy) (*transform.Output, error) {
	o := r.opts
	o.Policies = ps
	eng, err := transform.New(o)
	if err != nil {
		return nil, &FileError{Test: r.path, Err: fmt.Errorf("compiling policies: %w", err)}
	}
	out, err := eng.Render(r.input)
	if err != nil {
		return nil, &FileError{Test: r.path, Err: fmt.Errorf("resources: %w", err)}
	}
	return out, nil
}

// decode reads a file the test names; kinds are the cli.kyverno.io kinds
// it may have, the first the one to write (or none, the un-typed form).
func (r *runner) decode(name string, out interface{ typeMeta() (string, string) }, kinds ...string) error {
	path := resolve(r.dir, name)
	if err := decodeFile(path, out); err != nil {
		return &FileError{Test: r.path, File: path, Err: err}
	}
	api, k := out.typeMeta()
	if (api != "" || k != "") && (api != "cli.kyverno.io/v1alpha1" || !slices.Contains(kinds, k)) {
		return &FileError{Test: r.path, File: path, Err: fmt.Errorf("apiVersion %q kind %q: expected cli.kyverno.io/v1alpha1 %s", api, k, kinds[0])}
	}
	return nil
}

func (v *Values) typeMeta() (string, string)      { return v.APIVersion, v.Kind }
func (u *UserInfo) typeMeta() (string, string)    { return u.APIVersion, u.Kind }
func (c *ContextFile) typeMeta() (string, string) { return c.APIVersion, c.Kind }

func (r *runner) note(format string, args ...any) {
	r.suite.Notes = append(r.suite.Notes, fmt.Sprintf(format, args...))
}

// notes records the deprecated forms a test file uses, one note per field.
func (r *runner) notes() {
	t := r.test
	if t.APIVersion == "" {
		r.note("un-typed test file: Kyverno now expects apiVersion: cli.kyverno.io/v1alpha1, kind: Test, metadata.name")
	}
	deprecated := []struct {
		field, use string
		used       func(*Result) bool
	}{
		{"status", "result", func(x *Result) bool { return x.Status != "" }},
		{"resource", "resources", func(x *Result) bool { return x.Resource != "" }},
		{"patchedResource", "patchedResources", func(x *Result) bool { return x.PatchedResource != "" }},
		{"namespace", "namespace/name in resources", func(x *Result) bool { return x.Namespace != "" }},
	}
	for _, d := range deprecated {
		var at []string
		for i := range t.Results {
			if d.used(&t.Results[i]) {
				at = append(at, strconv.Itoa(i))
			}
		}
		if len(at) > 0 {
			r.note("results[%s]: %s is deprecated, use %s", strings.Join(at, ","), d.field, d.use)
		}
	}
}

func (r *runner) add(row Row) {
	row.ID = len(r.suite.Rows) + 1
	r.suite.Rows = append(r.suite.Rows, row)
}

// check adds the rows of one expected result.
func (r *runner) check(res *Result) error {
	err := r.checkNames(res)
	if len(res.ResourceSpecs) > 0 {
		r.add(Row{Policy: res.Policy, Rule: res.Rule, Expected: res.expected(), Resource: "(resourceSpecs)",
			Outcome: OutcomeUnsupported, Reason: ReasonUnsupported,
			Message: "resourceSpecs are not supported by preadmit yet: name resources in resources"})
	}
	return err
}

// checkNames adds the rows of one expected result for its named resources.
func (r *runner) checkNames(res *Result) error {
	base := Row{Policy: res.Policy, Rule: res.Rule, Expected: res.expected()}
	names := res.resources()
	each := func(f func(row Row)) {
		for _, n := range names {
			row := base
			row.Resource = display(res.Kind, res.Namespace, n)
			f(row)
		}
	}
	unsupported := func(msg string) {
		each(func(row Row) {
			row.Outcome, row.Reason, row.Message = OutcomeUnsupported, ReasonUnsupported, msg
			r.add(row)
		})
	}
	notFound := func(msg string) {
		each(func(row Row) {
			row.Outcome, row.Reason, row.Message = OutcomeFail, ReasonNotFound, msg
			r.add(row)
		})
	}
	if k := res.otherKind(); k != "" {
		unsupported(fmt.Sprintf("%s is not supported by preadmit yet: it runs Kyverno ClusterPolicy and Policy", k))
		return nil
	}
	p, idx := r.set.find(res.Policy)
	if p == nil {
		if k, ok := r.set.others[res.Policy]; ok {
			unsupported(fmt.Sprintf("policy %s is a %s, which preadmit does not support yet", res.Policy, k))
			return nil
		}
		notFound(fmt.Sprintf("policy %s is not in the test's policies", res.Policy))
		return nil
	}
	rules := rulesOf(p, res.Rule)
	if len(rules) == 0 {
		notFound(fmt.Sprintf("policy %s has no rule %s", res.Policy, res.Rule))
		return nil
	}
	switch rules[0].Type() {
	case "Generation":
		each(func(row Row) {
			row.Outcome, row.Reason = OutcomeSkip, ReasonNotChecked
			row.Message = "generate rules create resources in the cluster and are out of preadmit's scope"
			r.add(row)
		})
		return nil
	case "ImageVerification":
		unsupported("verifyImages rules need registry access and are not supported by preadmit")
		return nil
	}
	for _, name := range names {
		row := base
		row.Resource = display(res.Kind, res.Namespace, name)
		found := false
		for _, u := range r.resources {
			if u.kind != res.Kind || !u.named(name) || (res.Namespace != "" && u.effective != res.Namespace) {
				continue
			}
			found = true
			if err := r.compare(res, row, p, idx, rules, u); err != nil {
				return err
			}
		}
		if !found {
			row.Outcome, row.Reason = OutcomeFail, ReasonNotFound
			row.Message = fmt.Sprintf("no %s %s in the test's resources", res.Kind, name)
			r.add(row)
		}
	}
	return nil
}

// compare adds the rows of one expected result on one resource: one per
// rule response, or one "skip" row when no rule applied.
func (r *runner) compare(res *Result, row Row, p *policy.Policy, idx int, rules []*policy.Rule, u resource) error {
	groups := r.responses(p, rules, u)
	if len(groups) == 0 {
		groups = []response{{status: report.StatusSkip, excluded: true}}
	}
	for _, g := range groups {
		out := row
		out.Actual = string(g.status)
		out.Message = g.message
		if f := res.patched(); f != "" {
			diff, err := r.comparePatched(f, idx, u)
			switch {
			case err != nil:
				out.Outcome, out.Reason, out.Message = OutcomeFail, ReasonResourceError, err.Error()
				r.add(out)
				continue
			case diff != "":
				out.Outcome, out.Reason, out.Diff = OutcomeFail, ReasonResourceDiff, diff
				out.Message = "patched resource didn't match the patched resource in the test result"
				r.add(out)
				continue
			}
		}
		switch {
		case string(g.status) != res.expected():
			out.Outcome, out.Reason = OutcomeFail, fmt.Sprintf("Want %s, got %s", res.expected(), g.status)
			if g.excluded {
				out.Message = "no rule response: the rule did not match the resource, or a mutation changed nothing"
			}
		case g.excluded:
			out.Outcome, out.Reason = OutcomePass, ReasonExcluded
		default:
			out.Outcome, out.Reason = OutcomePass, ReasonOk
		}
		r.add(out)
	}
	return nil
}

// response is the engine's result of one rule on one resource, as one
// Kyverno rule response: the worst of its outcomes (podSecurity reports one
// per control).
type response struct {
	status   report.Status
	message  string
	excluded bool
}

// responses groups the engine's results for the rules on a resource, in
// rule order.
func (r *runner) responses(p *policy.Policy, rules []*policy.Rule, u resource) []response {
	var out []response
	for _, ru := range rules {
		var got []report.Result
		for _, res := range r.results[u.key] {
			if res.Policy == p.Name && res.PolicyNamespace == p.Namespace && res.Rule == ru.Name {
				got = append(got, res)
			}
		}
		if len(got) > 0 {
			out = append(out, aggregate(p, got))
		}
	}
	return out
}

func aggregate(p *policy.Policy, rs []report.Result) response {
	rank := map[report.Status]int{report.StatusError: 5, report.StatusFail: 4, report.StatusWarn: 3, report.StatusPass: 2, report.StatusSkip: 1}
	var g response
	var msgs []string
	for _, x := range rs {
		if rank[x.Status] > rank[g.status] {
			g.status = x.Status
			msgs = nil
		}
		if x.Status == g.status && x.Message != "" && !contains(msgs, x.Message) {
			msgs = append(msgs, x.Message)
		}
	}
	if g.status == report.StatusFail && p.Annotations["policies.kyverno.io/scored"] == "false" {
		g.status = report.StatusWarn
	}
	sort.Strings(msgs)
	g.message = strings.Join(msgs, "; ")
	return g
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// display is the RESOURCE column: Kind/name, or namespace/Kind/name.
func display(kind, namespace, name string) string {
	if ns, n, ok := strings.Cut(name, "/"); ok {
		namespace, name = ns, n
	}
	if namespace == "" {
		return kind + "/" + name
	}
	return namespace + "/" + kind + "/" + name
}
