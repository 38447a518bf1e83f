package transform

import (
	"errors"
	"fmt"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/preadmit/preadmit/transform/admissionmatch"
	"github.com/preadmit/preadmit/transform/cel"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/remediation"
	"github.com/preadmit/preadmit/transform/report"
)

// celRule is the compiled form of a rule written in CEL (policy.CEL): a
// ValidatingPolicy, a ValidatingAdmissionPolicy with one binding, or a
// validate.cel block. It selects resources with admissionmatch and
// validates them with package cel, and is otherwise an ordinary rule:
// exceptions, fail-closed handling and reports are the engine's.
type celRule struct {
	rule *rule
	spec *policy.CEL
	// constraints is the policy's matchConstraints; binding the binding's
	// matchResources (nil: no narrowing).
	constraints, binding *admissionmatch.Matcher
	conditions           cel.Conditions
	variables            []cel.Variable
	validations          []celValidation
	annotations          []celAnnotation
	// params, when the rule has a paramKind, are the parameter objects the
	// rule runs with (one result per resource and parameter set).
	params *celParams
	// libs are the CEL libraries the expressions compile with.
	libs cel.Libraries
}

type celValidation struct {
	expr    *cel.Program
	message string
	msgExpr *cel.Program
	reason  string
}

type celAnnotation struct {
	key   string
	value *cel.Program
}

// compileCELRule compiles a CEL rule; a compile error names the field path
// and the expression (the caller adds file, policy and rule).
func compileCELRule(p *policy.Policy, r *policy.Rule, mode Mode) (*rule, error) {
	spec := r.CEL
	switch m := spec.Mode(); m {
	case policy.EvaluationEnvoy, policy.EvaluationHTTP:
		return nil, fmt.Errorf("spec.evaluation.mode %s: the policy checks %s, which preadmit does not evaluate", m, m.Subject())
	}
	cr := &rule{policy: p, src: r, typ: r.RuleType(), action: spec.Action()}
	if a := mode.action(); a != "" {
		cr.action = a
	}
	fail := spec.FailurePolicy == nil || *spec.FailurePolicy != admissionregistrationv1.Ignore
	cr.failClosed = fail && cr.action == report.ActionEnforce
	c, err := compileCELWith(spec, libraries(p))
	if err != nil {
		return nil, err
	}
	cr.cel, c.rule = c, cr
	if spec.Mutating {
		// A mutation blocks unless the mode is audit or warn, as a
		// classic mutate rule.
		cr.failClosed = fail && (mode.action() == "" || mode.action() == report.ActionEnforce)
		if cr.mutate, err = compileCELMutations(c, spec); err != nil {
			return nil, err
		}
		return cr, nil
	}
	cr.validate = c
	// The policy's fix snippet, as a classic validate rule has it
	// (compileRest).
	cr.remedy = remediation.Parse(p.Remediation())
	return cr, nil
}

// libraries are the CEL libraries of a policy's expressions: Kyverno's for
// the policies.kyverno.io kinds, which Kyverno evaluates with them; the API
// server's alone for the admission kinds, which the API server evaluates,
// and for validate.cel, which Kyverno evaluates in the API server's
// environment.
// The cluster-scoped ones also have those that read the cluster or the
// network, refused by New unless something stands in for the cluster
// (clusterCallErrors); a namespaced one's do not compile.
func libraries(p *policy.Policy) cel.Libraries {
	switch p.Kind {
	case "ValidatingPolicy", "MutatingPolicy":
		return cel.KyvernoClusterLibraries
	case "NamespacedValidatingPolicy", "NamespacedMutatingPolicy":
		return cel.KyvernoLibraries
	}
	return cel.APIServerLibraries
}

// ignoresConditionErrors says whether the policy's failurePolicy is
// Ignore.
func (c *celRule) ignoresConditionErrors() bool {
	return c.spec.FailurePolicy != nil && *c.spec.FailurePolicy == admissionregistrationv1.Ignore
}

// compileCEL compiles a CEL rule with the API server's libraries.
func compileCEL(spec *policy.CEL) (*celRule, error) {
	return compileCELWith(spec, cel.APIServerLibraries)
}

func compileCELWith(spec *policy.CEL, libs cel.Libraries) (*celRule, error) {
	c := &celRule{spec: spec, libs: libs}
	var errs []error
	var err error
	if spec.MatchConstraints != nil && !spec.ChecksPayloads() {
		// A policy on JSON payloads selects no resource, as Kyverno
		// compiles it: CheckPayloads gives it its payloads.
		if c.constraints, err = admissionmatch.Compile(spec.MatchConstraints); err != nil {
			errs = append(errs, fmt.Errorf("%s.matchConstraints: %w", spec.Path, err))
		}
	}
	if b := spec.Binding; b != nil && b.Spec.MatchResources != nil {
		if c.binding, err = admissionmatch.Compile(b.Spec.MatchResources); err != nil {
			errs = append(errs, fmt.Errorf("binding %s: matchResources: %w", b.Name, err))
		}
	}
	names, exprs := make([]string, len(spec.MatchConditions)), make([]string, len(spec.MatchConditions))
	for i, m := range spec.MatchConditions {
		names[i], exprs[i] = m.Name, m.Expression
	}
	conditions := spec.Path + ".matchConditions"
	if spec.ConditionsField != "" {
		conditions = spec.ConditionsField // a rule field, beside validate.cel
	}
	if c.conditions, err = libs.CompileConditions(conditions, names, exprs); err != nil {
		errs = append(errs, err)
	}
	for i, v := range spec.Variables {
		p, err := libs.Compile(v.Expression, fmt.Sprintf("%s.variables[%d].expression", spec.Path, i))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c.variables = append(c.variables, cel.Variable{Name: v.Name, Program: p})
	}
	errs = append(errs, c.compileValidations()...)
	if c.params, err = compileParams(spec); err != nil {
		errs = append(errs, err)
	}
	return c, errors.Join(errs...)
}

func (c *celRule) compileValidations() []error {
	var errs []error
	spec := c.spec
	for i, v := range spec.Validations {
		at := fmt.Sprintf("%s.%s[%d]", spec.Path, orDefault(spec.ValidationsField, "validations"), i)
		p, err := c.libs.CompileAs(v.Expression, at+".expression", cel.BoolType)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		cv := celValidation{expr: p, message: v.Message}
		if v.Reason != nil {
			cv.reason = string(*v.Reason)
		}
		if v.MessageExpression != "" {
			if cv.msgExpr, err = c.libs.CompileAs(v.MessageExpression, at+".messageExpression", cel.StringType); err != nil {
				errs = append(errs, err)
			}
		}
		c.validations = append(c.validations, cv)
	}
	if spec.ChecksPayloads() {
		return errs // Kyverno's JSON mode has no auditAnnotations
	}
	for i, a := range spec.AuditAnnotations {
		p, err := c.libs.CompileAs(a.ValueExpression, fmt.Sprintf("%s.auditAnnotations[%d].valueExpression", spec.Path, i), cel.StringType)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		c.annotations = append(c.annotations, celAnnotation{key: a.Key, value: p})
	}
	return errs
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
