package kyvernotest

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

// The two phases of a policy's rule responses, in the order "kyverno test"
// lists them: each policy with mutate rules answers once for them, then
// each policy with validate rules once for those.
var phases = []policy.RuleType{policy.RuleMutation, policy.RuleValidation}

// target is a resource an expected result is checked on, with the
// RESOURCE column to show for it.
type target struct {
	resource
	display string
}

// check adds the rows of expected result i, as "kyverno test" lists them
// (cmd/cli/kubectl-kyverno/commands/test/output.go).
func (r *runner) check(i int, res *Result) error {
	if err := r.checkNames(i, res); err != nil {
		return err
	}
	if len(res.ResourceSpecs) > 0 {
		r.add(Row{Policy: res.Policy, Rule: res.Rule, Expected: res.expected(), Resource: "(resourceSpecs)",
			Outcome: OutcomeUnsupported, Reason: ReasonUnsupported,
			Message: "resourceSpecs are not supported by preadmit yet: name resources in resources"})
	}
	return nil
}

func (r *runner) checkNames(i int, res *Result) error {
	base := Row{Policy: res.Policy, Rule: res.Rule, Expected: res.expected()}
	if k := res.otherKind(); k != "" && !celKinds[k] {
		shown := make([]string, 0, len(res.resources()))
		for _, n := range res.resources() {
			shown = append(shown, display(res.Kind, res.Namespace, n))
		}
		if len(shown) == 0 {
			shown = []string{"(every resource)"} // a row all the same: never a silent pass
		}
		for _, n := range shown {
			row := base
			row.Resource = n
			row.Outcome, row.Reason = OutcomeUnsupported, ReasonUnsupported
			row.Message = fmt.Sprintf("%s is not supported by preadmit yet: it runs Kyverno ClusterPolicy and Policy", k)
			r.add(row)
		}
		return nil
	}
	if p := r.set.findAuthz(res.Policy); p != nil {
		return r.authzRows(base, p, res.expected())
	}
	x, err := r.run(res.Operation)
	if err != nil {
		return err
	}
	targets := r.targets(i, res, x)
	each := func(outcome Outcome, reason, msg string) {
		for _, t := range targets {
			row := base
			row.Resource, row.Outcome, row.Reason, row.Message = t.display, outcome, reason, msg
			r.add(row)
		}
	}
	p, idx := r.set.find(res.Policy)
	if p == nil {
		if k, ok := r.set.others[res.Policy]; ok {
			each(OutcomeUnsupported, ReasonUnsupported, fmt.Sprintf("policy %s is a %s, which preadmit does not support yet", res.Policy, k))
			return nil
		}
		each(OutcomeFail, ReasonNotFound, fmt.Sprintf("policy %s is not in the test's policies", res.Policy))
		return nil
	}
	rules := rulesOf(p, res.Rule)
	if len(rules) == 0 {
		r.note("results[%d]: policy %s has no rule %s: kyverno test reports each resource as Excluded (a pass)", i, res.Policy, res.Rule)
	} else {
		switch rules[0].RuleType() {
		case policy.RuleGeneration:
			each(OutcomeSkip, ReasonNotChecked, "generate rules create resources in the cluster and are out of preadmit's scope")
			return nil
		case policy.RuleImageVerification:
			each(OutcomeUnsupported, ReasonUnsupported, "verifyImages rules need registry access and are not supported by preadmit")
			return nil
		}
	}
	for _, t := range targets {
		row := base
		row.Resource = t.display
		if err := r.compare(res, row, p, idx, rules, t.resource, x); err != nil {
			return err
		}
	}
	return nil
}

// targets returns the resources a result is checked on, as "kyverno test"
// selects them: every resource named by a "name" or "namespace/name" of
// the result, whatever its kind; when none is, every resource. A result
// that names no resource is checked on every resource the policy
// answered for.
func (r *runner) targets(i int, res *Result, x *rendered) []target {
	var out []target
	if len(res.resources()) == 0 && len(res.ResourceSpecs) == 0 {
		_, name, _ := strings.Cut(res.Policy, "/")
		if name == "" {
			name = res.Policy
		}
		for _, u := range x.resources {
			if slices.ContainsFunc(x.results[u.key], func(rr report.Result) bool { return rr.Policy == name }) {
				out = append(out, target{u, display(u.kind, u.namespace, u.name)})
			}
		}
		return out
	}
	for _, name := range res.resources() {
		for _, u := range x.resources {
			if u.named(name) && (res.Namespace == "" || u.effective == res.Namespace) {
				out = append(out, target{u, display(u.kind, res.Namespace, name)})
			}
		}
	}
	if len(out) > 0 || len(res.resources()) == 0 {
		return out
	}
	r.note("results[%d]: no resource is named %s: kyverno test then checks the result on every resource", i, strings.Join(res.resources(), ", "))
	for _, u := range x.resources {
		out = append(out, target{u, display(u.kind, u.namespace, u.name)})
	}
	return out
}

// compare adds the rows of one expected result on one resource: a row per
// rule response of the policy, and an "Excluded" row (a pass, whatever was
// expected, as "kyverno test" has it) for a phase of the policy with none
// before it.
func (r *runner) compare(res *Result, row Row, p *policy.Policy, idx int, rules []*policy.Rule, u resource, x *rendered) error {
	var rows []Row
	skipped := false
	for _, phase := range phases {
		if !hasType(p, phase) {
			continue
		}
		for _, ru := range rules {
			if ru.RuleType() != phase {
				continue
			}
			got := ruleResults(x, p, ru, u)
			if len(got) == 0 {
				continue
			}
			out, skip, err := r.compareResponse(res, row, aggregate(p, got), x, idx, phase, u)
			if err != nil {
				return err
			}
			if skip {
				skipped = true
				continue
			}
			rows = append(rows, out)
		}
		if len(rows) == 0 && !skipped {
			out := row
			out.Outcome, out.Reason = OutcomePass, ReasonExcluded
			out.Message = "no rule response: the rule did not match the resource"
			rows = append(rows, out)
		}
	}
	if len(rows) == 0 && !skipped {
		out := row
		out.Outcome, out.Reason = OutcomeFail, ReasonNotFound
		out.Message = fmt.Sprintf("policy %s has no mutate or validate rule", p.Name)
		rows = append(rows, out)
	}
	for _, out := range rows {
		r.add(out)
	}
	return nil
}

// compareResponse is the row of one rule response. skip is set when the
// patched resources file does not hold the resource and the result does
// not ask to fail on it: "kyverno test" then shows no row.
func (r *runner) compareResponse(res *Result, row Row, g response, x *rendered, idx int, phase policy.RuleType, u resource) (Row, bool, error) {
	out := row
	out.Actual = string(g.status)
	out.Message = g.message
	if f := res.patched(); f != "" {
		diff, err := r.comparePatched(f, x, idx, phase, u)
		var nf *notInFileError
		switch {
		case errors.As(err, &nf) && !res.FailOnMissingResources:
			return out, true, nil
		case err != nil:
			out.Outcome, out.Reason, out.Message = OutcomeFail, ReasonResourceError, err.Error()
			return out, false, nil
		case diff != "":
			out.Outcome, out.Reason, out.Diff = OutcomeFail, ReasonResourceDiff, diff
			out.Message = "patched resource didn't match the patched resource in the test result"
			return out, false, nil
		}
	}
	if string(g.status) != res.expected() {
		out.Outcome, out.Reason = OutcomeFail, fmt.Sprintf("Want %s, got %s", res.expected(), g.status)
	} else {
		out.Outcome, out.Reason = OutcomePass, ReasonOk
	}
	return out, false, nil
}

// response is the engine's result of one rule on one resource, as one
// Kyverno rule response: the worst of its outcomes (podSecurity reports one
// per control).
type response struct {
	status  report.Status
	message string
}

// ruleResults are the engine's results of a rule on a resource.
func ruleResults(x *rendered, p *policy.Policy, ru *policy.Rule, u resource) []report.Result {
	var got []report.Result
	for _, res := range x.results[u.key] {
		if res.Policy == p.Name && res.PolicyNamespace == p.Namespace && res.Rule == ru.Name {
			got = append(got, res)
		}
	}
	return got
}

// hasType reports whether a policy has a rule of a type (Mutation,
// Validation, ...).
func hasType(p *policy.Policy, typ policy.RuleType) bool {
	for _, ru := range p.Rules {
		if ru.RuleType() == typ {
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
