package postrender

import (
	"bytes"
	"context"
	"fmt"

	helmpostrender "helm.sh/helm/v3/pkg/postrender"

	"github.com/preadmit/preadmit/internal/app"
	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/report"
)

// Options say which policies run and how; the zero value runs the embedded
// library with each rule's own failure action, as "preadmit render" does.
type Options struct {
	// Policies are Kyverno policy files and directories (render's -p).
	Policies []string
	// NoBuiltin leaves the embedded library out.
	NoBuiltin bool
	// Disable names policies to leave out; Enable names opt-in built-ins.
	Disable, Enable []string
	// Profile is the built-in Pod Security Standards profile: restricted
	// (default), baseline, none, podsecurity-baseline, podsecurity-restricted.
	Profile string
	// Mode overrides every validate rule's failure action: audit, warn or
	// enforce; "" keeps each rule's own.
	Mode string
	// Namespace is given to namespaced resources that name none, as the
	// release namespace is by Helm. Default "default".
	Namespace string
	// Variables are set in every rule's context, by dotted path, e.g.
	// {"preadmit": {"registry": "mirror.corp.example"}}.
	Variables map[string]interface{}
}

// PostRenderer applies the policies to Helm's rendered manifests. It is not
// safe for concurrent use: Results belongs to the last Run.
type PostRenderer struct {
	pipeline *app.Pipeline
	last     *transform.Output
}

var _ helmpostrender.PostRenderer = (*PostRenderer)(nil)

// New loads and compiles the policies once; the PostRenderer can then run
// on any number of releases.
func New(o Options) (*PostRenderer, error) {
	p, err := app.NewPipeline(app.RenderOptions{AllResults: true,
		Policies: app.PolicyOptions{
			Paths: o.Policies, NoBuiltin: o.NoBuiltin, Disable: o.Disable, Enable: o.Enable,
			Profile: app.Profile(o.Profile),
		},
		Mode:      o.Mode,
		Namespace: o.Namespace,
		Variables: o.Variables,
	})
	if err != nil {
		return nil, fmt.Errorf("preadmit: %w", err)
	}
	return &PostRenderer{pipeline: p}, nil
}

// Run mutates and validates the manifests. With a violation of a rule in
// Enforce it returns a *ViolationError and no manifests.
func (r *PostRenderer) Run(rendered *bytes.Buffer) (*bytes.Buffer, error) {
	r.last = nil
	res, err := r.pipeline.Render(context.Background(), rendered.Bytes())
	if err != nil {
		return nil, fmt.Errorf("preadmit: %w", err)
	}
	r.last = res
	if v := res.Violations(); len(v) > 0 {
		return nil, &ViolationError{Violations: v, Report: app.FailureReport(res)}
	}
	b, err := res.Bytes()
	if err != nil {
		return nil, fmt.Errorf("preadmit: writing manifests: %w", err)
	}
	return bytes.NewBuffer(b), nil
}

// Results are every rule's results of the last Run, sorted, Audit and Warn
// failures included: what a caller reports after a successful release.
func (r *PostRenderer) Results() []report.Result {
	if r.last == nil {
		return nil
	}
	return r.last.Results
}

// ViolationError is returned by Run when a rule in Enforce failed.
type ViolationError struct {
	// Violations are the failed results of rules in Enforce.
	Violations []report.Result
	// Report is what "preadmit render" prints on failure: one line per
	// violation naming document, kind, namespace/name, template,
	// policy/rule, message and field path, the fix, then a summary line.
	Report string
}

func (e *ViolationError) Error() string {
	return fmt.Sprintf("preadmit: %d violation(s) of policies in Enforce:\n%s", len(e.Violations), e.Report)
}
