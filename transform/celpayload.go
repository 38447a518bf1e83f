package transform

import (
	"fmt"

	"github.com/preadmit/preadmit/transform/cel"
	"github.com/preadmit/preadmit/transform/exception"
	"github.com/preadmit/preadmit/transform/match"
	"github.com/preadmit/preadmit/transform/report"
)

// Payload is a JSON document that is not a Kubernetes resource, such as a
// Terraform plan or a Dockerfile parsed to JSON: what a ValidatingPolicy in
// JSON evaluation mode (spec.evaluation.mode: JSON) checks. A render has
// none; "preadmit test" reads them from a test's jsonPayloads.
type Payload struct {
	// Name names the payload in its results (Resource.Name).
	Name string
	// Value is the payload as decoded from JSON: map[string]any, []any,
	// string, float64, bool or nil.
	Value any
}

// CheckPayloads runs the policies in JSON evaluation mode on payloads, as
// Kyverno's engine does: each policy once on each payload, with object
// bound to the payload (request, oldObject, namespaceObject and params are
// null, and no matchConstraints select); a PolicyException naming the
// policy whose matchConditions hold on the payload exempts it (a
// fine-grained one adds to the exceptions variable instead); then
// matchConditions (a skip when one is false), variables and validations.
// The results come payload by payload, policies in order; a result's
// Resource has the payload's Name and its position in payloads as Index.
// Resources never reach these policies: Render leaves them out.
func (e *Engine) CheckPayloads(payloads []Payload) []report.Result {
	var rules []*rule
	for _, r := range e.rules {
		if r.cel != nil && r.cel.spec.ChecksPayloads() {
			rules = append(rules, r)
		}
	}
	if len(rules) == 0 {
		return nil
	}
	x := e.newRun()
	x.startExceptions(nil)
	var out []report.Result
	for i, p := range payloads {
		u := &unit{ref: report.Resource{Index: i, Item: -1, Name: p.Name}}
		for _, r := range rules {
			in := cel.Input{Object: p.Value, Now: x.now, Cluster: x.celCluster()}
			for _, o := range x.checkPayload(r, in) {
				out = append(out, r.result(u, o))
			}
		}
	}
	return out
}

// checkPayload is the outcome of a rule on a payload, after a warning for
// each exception naming it that cannot apply.
func (e *run) checkPayload(r *rule, in cel.Input) []outcome {
	var out []outcome
	var active []*exception.Exception
	for _, x := range e.covering[r] {
		// A kyverno.io exception's match block selects resources by
		// kind: a payload has none.
		if !x.Selects(&match.Resource{}) {
			continue
		}
		if x.HasCELConditions() {
			ok, err := x.CELConditionsHold(cel.NewBindings(in, nil))
			if err != nil {
				out = append(out, warning(fmt.Sprintf("PolicyException %s not applied: matchConditions: %v", x.Key(), err)))
				continue
			}
			if !ok {
				continue
			}
		}
		if w, ok := e.inForce(x); !ok {
			out = append(out, w)
			continue
		}
		active = append(active, x)
	}
	if len(active) > 0 {
		allowed, exempts := fineGrained(active)
		if exempts {
			return append(out, exempted(active))
		}
		in.Exceptions = allowed
	}
	return append(out, r.cel.evaluate(in))
}
