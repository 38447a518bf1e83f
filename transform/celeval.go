package transform

import (
	"errors"
	"fmt"
	"maps"
	"strings"

	"github.com/google/cel-go/common/types"

	"github.com/preadmit/preadmit/transform/admissionmatch"
	"github.com/preadmit/preadmit/transform/cel"
	"github.com/preadmit/preadmit/transform/exception"
	"github.com/preadmit/preadmit/transform/mutate/apply"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

// mayMatch reports whether the rule could select resources of the unit's
// kind (rulesFor indexes rules by kind): a nil celRule never does.
func (c *celRule) mayMatch() bool { return c != nil }

func (e *run) mapper() *admissionmatch.Mapper {
	if e.cel == nil {
		return nil
	}
	return &e.cel.mapper
}

// object is the identity of the unit as admissionmatch reads it.
func (e *run) celObject(r *rule, u *unit) *admissionmatch.Object {
	o := &admissionmatch.Object{
		Group: u.res.Group, Version: u.res.Version, Kind: u.res.Kind,
		Name: u.res.Name, Namespace: u.res.Namespace, Labels: u.res.Labels,
		NamespaceLabels: u.res.NamespaceLabels, Operation: e.operation(r, u), Subresource: u.res.Subresource,
	}
	if o.NamespaceLabels == nil && o.Namespace != "" {
		// Rules of the stream's own policies are not known when the
		// engine decides whether renders read namespace labels.
		o.NamespaceLabels = e.celNamespaceLabels(o.Namespace)
	}
	if o.Group == "" && o.Kind == "Namespace" {
		o.NamespaceLabels = u.res.Labels
	}
	if m, known := e.mapper().Map(o.Group, o.Kind); known {
		if !m.Namespaced {
			o.Namespace = ""
		}
	}
	return o
}

// selects is matchConstraints, then the binding's matchResources.
func (c *celRule) selects(e *run, r *rule, u *unit) bool {
	o := e.celObject(r, u)
	mp := e.mapper()
	if c.constraints == nil && c.binding == nil {
		return false // a policy that names no resources selects none
	}
	if (r.policy.Kind == policy.KindVAP || r.policy.Kind == policy.KindMAP) && o.ExemptFromPolicies() {
		return false
	}
	return c.constraints.Matches(o, mp) && c.binding.Matches(o, mp)
}

// validate runs the rule on the unit: once, or once per parameter object.
func (c *celRule) validate(en env) []outcome {
	in, err := en.e.celInput(c.rule, en.u)
	if err != nil {
		return []outcome{{status: report.StatusError, message: err.Error()}}
	}
	in.Exceptions = en.allowed
	if c.params == nil {
		return []outcome{c.evaluate(in)}
	}
	params, o := c.params.resolve(en.e, en.u)
	if o != nil {
		return []outcome{*o}
	}
	var out []outcome
	for _, p := range params {
		in.Params = p
		out = append(out, c.evaluate(in))
	}
	return out
}

// celResource is the unit's resource as CEL rules read it: converted from
// the node once, on first use, and shared by every CEL rule of the unit.
// A CEL mutation changes it and writes the change onto the node, so it
// stays the node's value (and keeps what the merges learnt of it); any
// other mutation that changes the node drops it (renderUnit), and so does
// a CEL mutation that fails half-way.
func (e *run) celResource(u *unit) (*apply.Object, error) {
	if u.cel == nil {
		o, err := apply.NewObject(u.node.YNode())
		if err != nil {
			return nil, err
		}
		o.Admit(u.res.Namespace)
		u.cel = o
	}
	return u.cel, nil
}

// celInput are the bindings of rule r on the unit, params aside.
func (e *run) celInput(r *rule, u *unit) (cel.Input, error) {
	o, err := e.celResource(u)
	if err != nil {
		return cel.Input{}, err
	}
	req := e.celRequest(r, u)
	in := cel.Input{Object: o.Value(), NamespaceObject: e.namespaceObject(u), Request: req, Now: e.now, Cluster: e.celCluster()}
	if req["operation"] == "DELETE" {
		// A DELETE has no new object: the resource is the old one.
		in.Object, in.OldObject = nil, in.Object
	}
	switch r.policy.Kind {
	case "ValidatingPolicy", "NamespacedValidatingPolicy":
		// Kyverno's engines give these kinds the admission request's
		// object and oldObject in request too (the API server's request,
		// an admission policy's, has neither).
		in.Request = kyvernoRequest(u, in.Object, in.OldObject)
	case "MutatingPolicy", "NamespacedMutatingPolicy":
		// Kyverno's MutatingPolicy engine extracts them as unstructured
		// objects: the one a request has not is {}, not null.
		in.Request = kyvernoRequest(u, orEmpty(in.Object), orEmpty(in.OldObject))
	}
	return in, nil
}

// kyvernoRequest is the unit's request with object and oldObject: a copy
// made once per request (the request itself is shared with the unit's
// other rules), whose two keys are set for the rule about to run. The
// unit's rules run one at a time and keep no input after they ran.
func kyvernoRequest(u *unit, object, oldObject any) map[string]any {
	if u.kyvernoReq == nil {
		u.kyvernoReq = maps.Clone(u.celReq)
	}
	u.kyvernoReq["object"], u.kyvernoReq["oldObject"] = object, oldObject
	return u.kyvernoReq
}

// orEmpty is o, or an empty object for none.
func orEmpty(o any) any {
	if o == nil {
		return map[string]any{}
	}
	return o
}

// celRequest is the admission request a render stands for. It depends on
// the rule only through the operation: the unit keeps the last one made,
// which its CEL rules share (they only read it).
func (e *run) celRequest(r *rule, u *unit) map[string]any {
	op := e.operation(r, u)
	if op == "" {
		op = "CREATE"
	}
	key := celRequestKey{op: op, group: u.res.Group, version: u.res.Version, kind: u.res.Kind, name: u.res.Name, namespace: u.res.Namespace}
	if u.celReq == nil || u.celReqKey != key {
		u.celReq, u.celReqKey, u.kyvernoReq = e.newCELRequest(u, op), key, nil
	}
	return u.celReq
}

// celRequestKey is what a unit's request is made from (its resource may be
// renamed by a mutation).
type celRequestKey struct{ op, group, version, kind, name, namespace string }

func (e *run) newCELRequest(u *unit, op string) map[string]any {
	mapping, _ := e.mapper().Map(u.res.Group, u.res.Kind)
	req := map[string]any{
		"kind":      map[string]any{"group": u.res.Group, "version": u.res.Version, "kind": u.res.Kind},
		"resource":  map[string]any{"group": u.res.Group, "version": u.res.Version, "resource": mapping.Resource},
		"name":      u.res.Name,
		"namespace": u.res.Namespace,
		"operation": op,
		"userInfo":  map[string]any{},
		"dryRun":    false,
	}
	if ui := e.opts.UserInfo; ui != nil {
		info := map[string]any{"username": ui.Username, "uid": ui.UID}
		groups := make([]any, len(ui.Groups))
		for i, g := range ui.Groups {
			groups[i] = g
		}
		info["groups"] = groups
		req["userInfo"] = info
	}
	return req
}

// evaluate runs matchConditions, then the validations in order up to the
// first that fails, as Kyverno and the API server do.
func (c *celRule) evaluate(in cel.Input) outcome {
	b := cel.NewBindings(in, c.variables)
	ok, failed, err := c.conditions.Match(b)
	if err != nil && c.ignoresConditionErrors() {
		// The API server's matcher, and Kyverno's for a ValidatingPolicy:
		// with failurePolicy Ignore a condition that cannot be evaluated
		// means no match.
		return outcome{status: report.StatusSkip, message: err.Error() + " (failurePolicy Ignore: not matched)"}
	}
	if err != nil {
		return outcome{status: report.StatusError, message: err.Error()}
	}
	if !ok {
		return outcome{status: report.StatusSkip, message: fmt.Sprintf("%s %q is false", c.conditionsName(), failed)}
	}
	for i, v := range c.validations {
		ok, err := v.expr.Bool(b)
		if err != nil {
			return outcome{status: report.StatusError, message: err.Error(), expression: v.where(), validation: i}
		}
		if !ok {
			return outcome{status: report.StatusFail, message: c.message(i, v, b), expression: v.where(), validation: i}
		}
	}
	for _, a := range c.annotations {
		if _, err := a.value.String(b); err != nil {
			return outcome{status: report.StatusError, message: fmt.Sprintf("auditAnnotation %s: %v", a.key, err)}
		}
	}
	return outcome{status: report.StatusPass}
}

func (v celValidation) where() string {
	return v.expr.Path + ": " + v.expr.Expression
}

// message is the validation's message. For an admission policy (and
// validate.cel, which Kyverno runs as one) it is the API server's:
// messageExpression when it gives a non-empty string, else message, else
// "failed expression: ...". For Kyverno's own kinds it is Kyverno's:
// messageExpression's value whatever it is, or why it gave none ("failed to
// evaluate message expression: ..."), else message; an empty one is
// "CEL expression validation failed at index N".
func (c *celRule) message(i int, v celValidation, b *cel.Bindings) string {
	if c.spec.Admission {
		if v.msgExpr != nil {
			if s, err := v.msgExpr.String(b); err == nil && strings.TrimSpace(s) != "" {
				return s
			}
		}
		if v.message != "" {
			return v.message
		}
		return "failed expression: " + strings.TrimSpace(v.expr.Expression)
	}
	msg := v.message
	if v.msgExpr != nil {
		msg = kyvernoMessage(v.msgExpr, b)
	}
	if msg == "" {
		return fmt.Sprintf("CEL expression validation failed at index %d", i)
	}
	return msg
}

// kyvernoMessage evaluates a messageExpression as Kyverno's ValidatingPolicy
// engine does: a failure is the message.
func kyvernoMessage(p *cel.Program, b *cel.Bindings) string {
	v, err := p.Eval(b)
	if err != nil {
		var ee *cel.EvalError
		if errors.As(err, &ee) {
			err = ee.Err
		}
		return fmt.Sprintf("failed to evaluate message expression: %s", err)
	}
	s, ok := v.(types.String)
	if !ok {
		return fmt.Sprintf("failed to convert message expression to string: type conversion error from '%s' to 'string'", v.Type().TypeName())
	}
	return string(s)
}

// exceptionCELConditions evaluates a CEL PolicyException's matchConditions
// on the unit, with the bindings the rule's own expressions get.
func (e *run) exceptionCELConditions(x *exception.Exception, r *rule, u *unit) (bool, error) {
	in, err := e.celInput(r, u)
	if err != nil {
		return false, err
	}
	return x.CELConditionsHold(cel.NewBindings(in, nil))
}

// conditionsName names a matchConditions entry in messages.
func (c *celRule) conditionsName() string {
	if c.spec.ConditionsField == "celPreconditions" {
		return "celPrecondition"
	}
	return "matchCondition"
}
