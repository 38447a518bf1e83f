package transform

import (
	"errors"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/cel/libs"
	"github.com/preadmit/preadmit/transform/conditions"
	"github.com/preadmit/preadmit/transform/match"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/remediation"
	"github.com/preadmit/preadmit/transform/report"
	"github.com/preadmit/preadmit/transform/variables"
)

// outcome is what one check found on one resource.
type outcome struct {
	status  report.Status
	path    string
	message string
	// ctx, when set, is the context the failure was found in (a foreach
	// element's): validate.message is substituted in it, as in Kyverno.
	ctx     *variables.Context
	control string
	// exception names the PolicyExceptions ("namespace/name", comma
	// separated) behind a skip.
	exception string
	// expression is the failing CEL expression, with its field path, and
	// validation its index in the policy's list of validations.
	expression string
	validation int
	// unchanged marks a passing mutation that left the resource as it was.
	unchanged bool
}

// env is what a mechanism runs with: the engine, the resource and, for
// rules that use variables, the context (nil otherwise).
type env struct {
	e   *run
	u   *unit
	ctx *variables.Context
	// pss are the podSecurity controls exceptions excuse on this resource.
	pss *pssExemption
	// allowed is what fine-grained exceptions allow a CEL rule on this
	// resource (its exceptions variable); nil is nothing.
	allowed *libs.Exception
}

// mutation changes a resource in place and reports whether it applied.
type mutation interface {
	apply(env) (applied bool, err error)
}

// validation checks a resource and reports one or more outcomes.
type validation interface {
	validate(env) []outcome
}

// rule is a compiled rule: everything parsed once per process.
type rule struct {
	policy  *policy.Policy
	src     *policy.Rule
	match   *match.Matcher
	exclude *match.Matcher
	typ     policy.RuleType
	action  report.Action
	message *variables.Template

	// needsVars is set when the rule reads variables anywhere: the engine
	// then builds the context before running it.
	needsVars bool
	// needs says which expensive parts of the context the rule may read.
	needs   need
	entries []contextEntry
	pre     *conditions.Conditions

	mutate   mutation
	validate validation
	// unsupported explains why a rule cannot run at render time; such a
	// rule reports an error result when it matches, never a pass (a
	// generate rule, which has no render-time meaning, a skip).
	unsupported string
	// remedy is the policy's remediation snippet, parsed once, fitted to
	// each failing resource.
	remedy remediation.Snippet
	// cel is set for a rule written in CEL (celrule.go).
	cel *celRule
	// failClosed is set when an error of the rule stops the render: a
	// validation in Enforce, or a mutation unless the mode is audit or
	// warn, in a policy whose failurePolicy is not Ignore.
	failClosed bool
	// pending is set on a rule of a policy checked at build time while
	// everything past its match and exclude blocks is not compiled yet:
	// the engine compiles it when a resource of a kind it matches first
	// comes (Engine.rulesFor).
	pending bool
}

// compileRule compiles a rule's match and exclude blocks and what follows
// from the policy; the rest now, or, when lazy, on first use (compileRest).
func compileRule(p *policy.Policy, r *policy.Rule, mode Mode, lazy bool) (*rule, error) {
	if r.CEL != nil {
		return compileCELRule(p, r, mode)
	}
	m, err := match.Compile(&r.Match)
	if err != nil {
		return nil, fmt.Errorf("match: %w", err)
	}
	x, err := match.Compile(&r.Exclude)
	if err != nil {
		return nil, fmt.Errorf("exclude: %w", err)
	}
	cr := &rule{policy: p, src: r, match: m, exclude: x, typ: r.RuleType(), action: p.Action(r)}
	if a := mode.action(); a != "" {
		cr.action = a
	}
	if p.FailurePolicy != "Ignore" {
		switch cr.typ {
		case policy.RuleValidation, policy.RuleImageVerification:
			cr.failClosed = cr.action == report.ActionEnforce
		case policy.RuleMutation:
			cr.failClosed = mode.action() == "" || mode.action() == report.ActionEnforce
		}
	}
	if lazy {
		cr.pending = true
		return cr, nil
	}
	if err := cr.compileRest(); err != nil {
		return nil, err
	}
	return cr, nil
}

// compileRest compiles the rule past its match and exclude blocks: its
// context, preconditions, mechanism, message and remediation. A rule valid
// in Kyverno that cannot run offline is marked unsupported, not an error.
func (cr *rule) compileRest() error {
	r := cr.src
	if cr.typ == policy.RuleValidation {
		cr.remedy = remediation.Parse(cr.policy.Remediation())
	}
	cr.needsVars = variables.HasVariables(r.Node) || r.Field("context") != nil ||
		r.Field("preconditions") != nil || r.Field("mutate", "foreach") != nil ||
		r.Field("validate", "foreach") != nil || r.Field("validate", "deny") != nil
	if cr.needsVars {
		cr.needs = needsOf(r.Node.YNode())
	}
	if err := cr.compileBody(r); err != nil {
		var u *unsupportedError
		if errors.As(err, &u) {
			cr.unsupported = u.reason
			return nil
		}
		return err
	}
	return nil
}

// compilePending compiles a pending rule. Its policy was checked when the
// binary was built (TestLibraryCompiles), so an error here is a defect of
// the build: the rule then reports it as an error result whenever it
// matches, and blocks as any failing rule does.
func (cr *rule) compilePending() {
	if !cr.pending {
		return
	}
	cr.pending = false
	if err := cr.compileRest(); err != nil {
		cr.mutate, cr.validate = nil, nil
		cr.unsupported = fmt.Sprintf("rule does not compile: %v", err)
		cr.failClosed = true
	}
}

func (cr *rule) compileBody(r *policy.Rule) error {
	var err error
	if cr.entries, err = compileContext(r.Field("context")); err != nil {
		return err
	}
	if cr.pre, err = conditions.Compile(r.Field("preconditions")); err != nil {
		return fmt.Errorf("preconditions: %w", err)
	}
	switch cr.typ {
	case policy.RuleMutation:
		cr.mutate, err = compileMutation(r.Field("mutate"))
	case policy.RuleValidation:
		if m := r.Field("validate", "message"); m != nil {
			if cr.message, err = variables.Compile(m); err != nil {
				return fmt.Errorf("validate.message: %w", err)
			}
		}
		if r.Field("validate", "cel") != nil {
			cr.validate, err = compileValidateCEL(cr, r)
			break
		}
		cr.validate, err = compileValidation(r.Field("validate"))
	case policy.RuleGeneration:
		return unsupported("generate rules create resources in the cluster and are not applied at render time")
	case policy.RuleImageVerification:
		return unsupported("verifyImages needs registry access and is not applied at render time")
	}
	return err
}

// unsupportedOutcome is the result of a rule that cannot run at render
// time: an error, or for a generate rule (no render-time meaning) a skip.
func (r *rule) unsupportedOutcome() outcome {
	if r.typ == policy.RuleGeneration {
		return outcome{status: report.StatusSkip, message: "not applied: " + r.unsupported}
	}
	return outcome{status: report.StatusError, message: r.unsupported}
}

// unsupportedError marks a rule that is valid Kyverno but that preadmit
// cannot evaluate offline (an apiCall context, say).
type unsupportedError struct{ reason string }

func (e *unsupportedError) Error() string { return e.reason }

func unsupported(format string, args ...any) error {
	return &unsupportedError{reason: fmt.Sprintf(format, args...)}
}

// selects reports whether the rule applies to a resource: the namespaced
// Policy's namespace, match, then exclude. The operation comes from
// Options.Values when given (namespace labels are on the unit).
func (e *run) selects(r *rule, u *unit) bool {
	if r.policy.Namespace != "" && u.res.Namespace != r.policy.Namespace {
		return false
	}
	if r.cel != nil {
		return r.cel.selects(e, r, u)
	}
	res := &u.res
	op := e.operation(r, u)
	if op != "" || e.opts.UserInfo != nil {
		c := u.res
		if op != "" {
			c.Operation = op
		}
		c.User = e.opts.UserInfo
		res = &c
	}
	return r.match.Matches(res) && !r.exclude.Excludes(res)
}

// operation is the admission operation a rule sees on a resource: the
// request.operation Options.Values gives, else "" (CREATE).
func (e *Engine) operation(r *rule, u *unit) string {
	op, _ := e.values(r, u)["request.operation"].(string)
	return op
}

// validatesResource reports whether a validation checks the resource
// itself with a pattern (pattern, anyPattern), which Kyverno does not do
// on a DELETE: there is no new resource.
func validatesResource(v validation) bool {
	switch v.(type) {
	case patternCheck, anyPatternCheck:
		return true
	}
	return false
}

// values asks Options.Values about a rule and a resource.
func (e *Engine) values(r *rule, u *unit) map[string]interface{} {
	if e.opts.Values == nil {
		return nil
	}
	return e.opts.Values(ValuesFor{Policy: r.policy.Name, PolicyNamespace: r.policy.Namespace, Rule: r.src.Name, Resource: u.ref})
}

// prepare builds the rule's context and evaluates its preconditions. A nil
// outcome means: run the rule with the returned env.
func (r *rule) prepare(e *run, u *unit) (env, *outcome) {
	en := env{e: e, u: u}
	if !r.needsVars {
		return en, nil
	}
	ctx, err := e.unitContext(u, r.needs)
	if err != nil {
		return en, &outcome{status: report.StatusError, message: err.Error()}
	}
	if vals := e.values(r, u); len(vals) > 0 {
		ctx = withValues(ctx, vals)
	}
	if ctx, err = e.load(r.entries, ctx); err != nil {
		return en, &outcome{status: report.StatusError, message: err.Error()}
	}
	en.ctx = ctx
	ok, msg, err := r.pre.Evaluate(ctx)
	if err != nil {
		return en, &outcome{status: report.StatusError, message: fmt.Sprintf("preconditions: %v", err)}
	}
	if !ok {
		if msg == "" {
			msg = "preconditions not met"
		}
		return en, &outcome{status: report.StatusSkip, message: msg}
	}
	return en, nil
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
		Exception:       o.exception,
		Expression:      o.expression,
		Unchanged:       o.unchanged,
	}
	if r.cel != nil {
		r.cel.report(&res, o)
	}
	if r.typ == policy.RuleValidation {
		res.Action = r.action
		if res.Remediation != "" && (o.status == report.StatusFail || o.status == report.StatusWarn) {
			// The policy's snippet is written for a Pod; a person reads
			// it for this resource, its kind and its failing container.
			if o.expression != "" && r.src.Autogen() {
				// A CEL expression names no field; its rule,
				// derived from one on Pods, checked the pod template.
				res.Remediation = r.remedy.FitTemplate(u.node, u.ref.Kind)
			} else {
				res.Remediation = r.remedy.Fit(u.node, u.ref.Kind, o.path)
			}
		}
	}
	res.Blocking = o.status == report.StatusError && r.failClosed
	return res
}

// field returns a child of a mapping node, or nil.
func field(n *yaml.RNode, path ...string) *yaml.RNode {
	if n == nil {
		return nil
	}
	v, err := n.Pipe(yaml.Lookup(path...))
	if err != nil {
		return nil
	}
	return v
}
