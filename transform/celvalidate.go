package transform

import (
	"encoding/json"
	"fmt"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

// validateCEL is a ClusterPolicy or Policy rule's validate.cel block with
// the rule's celPreconditions, as Kyverno reads them.
type validateCEL struct {
	Expressions      []admissionregistrationv1.Validation      `json:"expressions,omitempty"`
	Variables        []admissionregistrationv1.Variable        `json:"variables,omitempty"`
	AuditAnnotations []admissionregistrationv1.AuditAnnotation `json:"auditAnnotations,omitempty"`
	ParamKind        *admissionregistrationv1.ParamKind        `json:"paramKind,omitempty"`
	ParamRef         *admissionregistrationv1.ParamRef         `json:"paramRef,omitempty"`
}

// compileValidateCEL compiles validate.cel: the rule's match, exclude and
// preconditions select resources as for any rule; the expressions run as
// a ValidatingAdmissionPolicy's would, celPreconditions as its
// matchConditions.
func compileValidateCEL(cr *rule, r *policy.Rule) (*celRule, error) {
	b, err := r.Field("validate", "cel").MarshalJSON()
	if err != nil {
		return nil, err
	}
	var v validateCEL
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, fmt.Errorf("validate.cel: %w", err)
	}
	spec := &policy.CEL{Path: "validate.cel", ValidationsField: "expressions", ConditionsField: "celPreconditions",
		Admission: true, Variables: v.Variables,
		Validations: v.Expressions, AuditAnnotations: v.AuditAnnotations, ParamKind: v.ParamKind}
	if pre := r.Field("celPreconditions"); pre != nil {
		b, err := pre.MarshalJSON()
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, &spec.MatchConditions); err != nil {
			return nil, fmt.Errorf("celPreconditions: %w", err)
		}
	}
	if v.ParamRef != nil {
		spec.Binding = &policy.Binding{}
		spec.Binding.Spec.ParamRef = v.ParamRef
	}
	c, err := compileCEL(spec)
	if err != nil {
		return nil, err
	}
	c.rule = cr
	return c, nil
}

// report adds to a result of the rule what a CEL rule knows beyond a
// classic one: the binding an admission policy was applied through, and
// the index of the validation Expression names.
func (c *celRule) report(res *report.Result, o outcome) {
	if b := c.spec.Binding; b != nil {
		res.Binding = b.Name
	}
	if o.expression != "" {
		res.ValidationIndex = o.validation
	}
}
