package postrender

import (
	"bytes"
	"context"
	"fmt"

	helmpostrender "helm.sh/helm/v3/pkg/postrender"

	"github.com/preadmit/preadmit/pipeline"
	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/report"
)

// Options say which policies run and how: the pipeline's one options type.
// The zero value runs the embedded library with each rule's own failure
// action, as "preadmit render" does. Mode, Profile and Report.Format are
// typed (transform.ModeEnforce, pipeline.ProfileBaseline); New reads them
// case-insensitively, as the command line does. The post-renderer writes
// no report (Report.File, Quiet and Diff are not used: the caller reports
// from Results and ViolationError).
type Options = pipeline.Options

// PostRenderer applies the policies to Helm's rendered manifests. It is not
// safe for concurrent use: Results belongs to the last Run.
type PostRenderer struct {
	pipeline *pipeline.Pipeline
	last     *transform.Output
}

var _ helmpostrender.PostRenderer = (*PostRenderer)(nil)

// New loads and compiles the policies once; the PostRenderer can then run
// on any number of releases.
func New(o Options) (*PostRenderer, error) {
	o, err := parse(o)
	if err != nil {
		return nil, fmt.Errorf("preadmit: %w", err)
	}
	o.Report = pipeline.ReportOptions{AllResults: true}
	o.Diff, o.KeepTrees, o.BoundMemory = false, false, false
	p, err := pipeline.New(o)
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
		return nil, &ViolationError{Violations: v, Report: pipeline.FailureReport(res)}
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

// parse reads the Go caller's mode and profile as the command line reads
// its flags: the edge of the Go API.
func parse(o Options) (Options, error) {
	var err error
	if o.Mode, err = pipeline.ParseMode(string(o.Mode)); err != nil {
		return o, err
	}
	if o.Profile != "" {
		if o.Profile, err = pipeline.ParseProfile(string(o.Profile)); err != nil {
			return o, err
		}
	}
	return o, nil
}
