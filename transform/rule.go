package transform

import (
	"errors"
	"fmt"

	"github.com/preadmit/preadmit/transform/match"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

// outcome is what one check found on one resource.
type outcome struct {
	status  report.Status
	path    string
	message string
	control string
}

// mutation changes a resource in place and reports whether it applied.
type mutation interface {
	apply(u *unit) (applied bool, err error)
}

// validation checks a resource and reports one or more outcomes.
type validation interface {
	validate(u *unit) []outcome
}

// rule is a compiled rule: everything parsed once per process.
type rule struct {
	policy  *policy.Policy
	src     *policy.Rule
	match   *match.Matcher
	exclude *match.Matcher
	typ     string
	action  report.Action
	message string

	mutate   mutation
	validate validation
	// unsupported explains why a rule cannot run at render time; such a
	// rule reports an error result when it matches, never a pass.
	unsupported string
}

func compileRule(p *policy.Policy, r *policy.Rule, mode Mode) (*rule, error) {
	m, err := match.Compile(&r.Match)
	if err != nil {
		return nil, fmt.Errorf("match: %w", err)
	}
	x, err := match.Compile(&r.Exclude)
	if err != nil {
		return nil, fmt.Errorf("exclude: %w", err)
	}
	cr := &rule{policy: p, src: r, match: m, exclude: x, typ: r.Type(), action: p.Action(r)}
	if a := mode.action(); a != "" {
		cr.action = a
	}
	switch cr.typ {
	case "Mutation":
		cr.mutate, err = compileMutation(r)
	case "Validation":
		cr.message = scalarOf(r, "validate", "message")
		cr.validate, err = compileValidation(r)
	case "Generation":
		cr.unsupported = "generate rules create resources in the cluster and are not applied at render time"
	case "ImageVerification":
		cr.unsupported = "verifyImages needs registry access and is not applied at render time"
	}
	if err != nil {
		var u *unsupportedError
		if errors.As(err, &u) {
			cr.unsupported = u.reason
			return cr, nil
		}
		return nil, err
	}
	return cr, nil
}

// unsupportedError marks a rule that is valid Kyverno but that preadmit
// cannot evaluate offline (an apiCall context, say).
type unsupportedError struct{ reason string }

func (e *unsupportedError) Error() string { return e.reason }

func unsupported(format string, args ...any) error {
	return &unsupportedError{reason: fmt.Sprintf(format, args...)}
}

func scalarOf(r *policy.Rule, path ...string) string {
	n := r.Field(path...)
	if n == nil {
		return ""
	}
	return n.YNode().Value
}

// selects reports whether the rule applies to a resource: the namespaced
// Policy's namespace, match, then exclude.
func (r *rule) selects(u *unit) bool {
	if r.policy.Namespace != "" && u.res.Namespace != r.policy.Namespace {
		return false
	}
	return r.match.Matches(&u.res) && !r.exclude.Excludes(&u.res)
}

func (r *rule) result(u *unit, o outcome) report.Result {
	res := report.Result{
		Resource:        u.ref,
		Policy:          r.policy.Name,
		PolicyNamespace: r.policy.Namespace,
		Rule:            r.src.Name,
		Type:            r.typ,
		Status:          o.status,
		Message:         o.message,
		Path:            o.path,
		Severity:        r.policy.Severity(),
		Category:        r.policy.Category(),
		Remediation:     r.policy.Remediation(),
		Control:         o.control,
	}
	if r.typ == "Validation" {
		res.Action = r.action
	}
	return res
}
