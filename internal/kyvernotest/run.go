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
	"github.com/preadmit/preadmit/transform/stream"
)

// Run loads the test file at path, runs the policies of each of its tests
// (one per YAML document) on the test's resources and payloads with
// preadmit's engine and compares every expected result: a Suite per test.
// Problems with a test or the files it names are *FileError values.
func Run(path string) ([]*Suite, error) {
	tests, err := LoadTest(path)
	if err != nil {
		return nil, err
	}
	out := make([]*Suite, 0, len(tests))
	for _, t := range tests {
		s, err := runTest(path, t)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func runTest(path string, t *Test) (*Suite, error) {
	r := &runner{path: path, dir: filepath.Dir(path), test: t,
		suite:   &Suite{Name: t.name(path), Path: path},
		renders: map[string]*rendered{}, patched: map[string][]patchedDoc{}, authz: map[policy.EvaluationMode]*authzRun{}}
	if err := r.prepare(); err != nil {
		return nil, err
	}
	r.notes()
	for i := range t.Results {
		if err := r.check(i, &t.Results[i]); err != nil {
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
	values    *Values
	input     []byte
	// payloads are the test's JSON payloads.
	payloads []transform.Payload
	// renders are the engine's runs by admission operation: "" for the
	// default run, and one per operation the results name, as "kyverno
	// test" runs one per operation.
	renders map[string]*rendered
	patched map[string][]patchedDoc
	// authz are the checks of the authorization requests, by mode.
	authz map[policy.EvaluationMode]*authzRun
}

// rendered is one run of every policy on the test's resources.
type rendered struct {
	// operation is forced on every rule ("" keeps the values file's).
	operation string
	out       *transform.Output
	resources []resource
	results   map[unitKey][]report.Result
	// prefixes are runs with the first n+1 policies only: Kyverno
	// compares a policy's patched resource as that policy left it.
	prefixes map[int]*transform.Output
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
	ctx, err := contextValues(cf, resolve(r.dir, r.test.Context))
	if err != nil {
		return &FileError{Test: r.path, Err: err}
	}
	r.opts = transform.Options{
		Policies:             r.set.policies,
		Values:               valuesHook(values),
		UserInfo:             ui.requestInfo(),
		NamespaceLabels:      namespaceLabels(values),
		NamespaceAnnotations: namespaceAnnotations(values),
		ConfigMaps:           ctx.ConfigMaps,
		Exceptions:           xs,
		APICallResponses:     apiCalls,
		GlobalContext:        gctx,
		Subresources:         subresources(values),
		Offline:              transform.AllOffline(),
		ImageData:            ctx.Images,
	}
	if r.opts.CELObjects, err = r.paramResources(); err != nil {
		return err
	}
	cluster, celObjects, err := r.clusterResources()
	if err != nil {
		return err
	}
	r.opts.ClusterObjects = append(cluster, ctx.Objects...)
	r.opts.CELObjects = append(r.opts.CELObjects, celObjects...)
	r.values = values
	if r.input, err = r.readResources(); err != nil {
		return err
	}
	if r.payloads, err = r.readPayloads(); err != nil {
		return err
	}
	_, err = r.run("")
	return err
}

// run returns the run of every policy under an admission operation ("" for
// the default run), made on first use.
func (r *runner) run(operation string) (*rendered, error) {
	if x, ok := r.renders[operation]; ok {
		return x, nil
	}
	x := &rendered{operation: operation, prefixes: map[int]*transform.Output{}}
	var err error
	if x.out, err = r.render(r.set.policies, operation); err != nil {
		return nil, err
	}
	x.resources = indexResources(x.out.Docs)
	x.results = map[unitKey][]report.Result{}
	for _, res := range x.out.Results {
		k := unitKey{res.Resource.Index, res.Resource.Item}
		x.results[k] = append(x.results[k], res)
	}
	if err := r.checkPayloads(x); err != nil {
		return nil, err
	}
	r.renders[operation] = x
	return x, nil
}

// render runs policies on the test's resources, as "kyverno test" loads
// them (namespaced resources without a namespace are in "default"), under
// an admission operation ("" keeps the values file's).
func (r *runner) render(ps []*policy.Policy, operation string) (*transform.Output, error) {
	o := r.opts
	o.Policies = ps
	o.Values = withOperation(o.Values, operation)
	eng, err := transform.New(o)
	if err != nil {
		return nil, &FileError{Test: r.path, Err: fmt.Errorf("compiling policies: %w", err)}
	}
	var docs []*stream.Document
	if len(r.test.Resources) > 0 {
		// (A test of payloads only has no resources.)
		if docs, err = stream.Read(r.input, stream.DefaultLimits); err != nil {
			return nil, &FileError{Test: r.path, Err: fmt.Errorf("resources: %w", err)}
		}
	}
	if err := r.asLoaded(docs); err != nil {
		return nil, &FileError{Test: r.path, Err: err}
	}
	out, err := eng.RenderDocuments(docs)
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
