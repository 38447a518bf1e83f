package transform

import (
	"errors"
	"fmt"
	"sync"

	celgo "github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types/ref"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/admissionmatch"
	"github.com/preadmit/preadmit/transform/cel"
	"github.com/preadmit/preadmit/transform/match"
	"github.com/preadmit/preadmit/transform/mutate/apply"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// mutationEnv is the CEL environment of mutation expressions: the
// admission environment with the Object{…} and JSONPatch{…} types.
var mutationEnv = sync.OnceValues(func() (*celgo.Env, error) {
	base, err := cel.Env()
	if err != nil {
		return nil, err
	}
	return base.Extend(apply.EnvOptions()...)
})

// admissionSelector decides, for a CEL policy's rule, whether it selects a
// resource: matchConstraints (or a binding's matchResources) in place of a
// Kyverno match block.
type admissionSelector struct {
	constraints *admissionmatch.Matcher
	// binding is a MutatingAdmissionPolicyBinding's matchResources.
	binding *admissionmatch.Matcher
}

// builtinMapper maps kinds to resources with the built-in REST mapping.
var builtinMapper admissionmatch.Mapper

func (s *admissionSelector) matches(e *Engine, r *rule, u *unit) bool {
	o := &admissionmatch.Object{
		Group: u.res.Group, Version: u.res.Version, Kind: u.res.Kind,
		Name: u.res.Name, Namespace: u.res.Namespace, Labels: u.res.Labels,
		NamespaceLabels: u.res.NamespaceLabels, Operation: e.operation(r, u),
		Subresource: u.res.Subresource,
	}
	return s.constraints.Matches(o, &builtinMapper) && s.binding.Matches(o, &builtinMapper)
}

// celMutating is a MutatingPolicy's (or MutatingAdmissionPolicy's)
// mutations, in order, with its matchConditions and variables.
type celMutating struct {
	conditions cel.Conditions
	variables  []cel.Variable
	steps      []celStep
	merge      apply.Merge
	// rule is the rule the mutations belong to, for the request's
	// operation (Options.Values).
	rule *rule
}

type celStep struct {
	jsonPatch bool
	program   *cel.Program
}

// compileCELRule compiles the rule of a CEL policy kind.
func compileCELRule(p *policy.Policy, r *policy.Rule, mode Mode) (*rule, error) {
	m, err := match.Compile(&r.Match)
	if err != nil {
		return nil, err
	}
	cr := &rule{policy: p, src: r, match: m, typ: r.Type(), action: p.Action(r)}
	if a := mode.action(); a != "" {
		cr.action = a
	}
	spec := r.Node.Field("spec")
	if spec == nil {
		return nil, fmt.Errorf("spec is required")
	}
	sel := &admissionSelector{}
	if sel.constraints, err = admissionmatch.CompileNode(spec.Value.Field("matchConstraints").Value); err != nil {
		return nil, fmt.Errorf("spec.matchConstraints: %w", err)
	}
	if r.Binding != nil {
		if sel.binding, err = admissionmatch.CompileNode(r.Binding.Field("spec").Value.Field("matchResources").Value); err != nil {
			return nil, fmt.Errorf("binding %s: spec.matchResources: %w", r.Name, err)
		}
	}
	cr.admission = sel
	if p.FailurePolicy != "Ignore" {
		cr.failClosed = mode.action() == "" || mode.action() == report.ActionEnforce
	}
	mut, err := compileCELMutating(spec.Value.YNode())
	if err != nil {
		return nil, err
	}
	mut.rule = cr
	cr.mutate = mut
	return cr, nil
}

func compileCELMutating(spec *yaml.Node) (*celMutating, error) {
	env, err := mutationEnv()
	if err != nil {
		return nil, err
	}
	m := &celMutating{}
	if useSSA := yamlnode.Field(yamlnode.Field(spec, "evaluation"), "useServerSideApply"); yamlnode.Scalar(useSSA) == "true" {
		m.merge = apply.Atomics
	}
	if m.conditions, err = compileConditions(env, yamlnode.Field(spec, "matchConditions")); err != nil {
		return nil, err
	}
	for i, v := range yamlnode.Items(yamlnode.Field(spec, "variables")) {
		path := fmt.Sprintf("spec.variables[%d].expression", i)
		prg, err := cel.CompileIn(env, yamlnode.Scalar(yamlnode.Field(v, "expression")), path)
		if err != nil {
			return nil, err
		}
		m.variables = append(m.variables, cel.Variable{Name: yamlnode.Scalar(yamlnode.Field(v, "name")), Program: prg})
	}
	for i, mu := range yamlnode.Items(yamlnode.Field(spec, "mutations")) {
		step, err := compileCELStep(env, mu, i)
		if err != nil {
			return nil, err
		}
		m.steps = append(m.steps, step)
	}
	if len(m.steps) == 0 {
		return nil, fmt.Errorf("spec.mutations: no mutation")
	}
	return m, nil
}

func compileCELStep(env *celgo.Env, mu *yaml.Node, i int) (celStep, error) {
	typ := yamlnode.Scalar(yamlnode.Field(mu, "patchType"))
	var field string
	var want *celgo.Type
	switch typ {
	case "ApplyConfiguration":
		field, want = "applyConfiguration", apply.ObjectType
	case "JSONPatch":
		field, want = "jsonPatch", celgo.ListType(apply.JSONPatchType)
	default:
		return celStep{}, fmt.Errorf("spec.mutations[%d].patchType: %q is not ApplyConfiguration or JSONPatch", i, typ)
	}
	path := fmt.Sprintf("spec.mutations[%d].%s.expression", i, field)
	expr := yamlnode.Scalar(yamlnode.Field(yamlnode.Field(mu, field), "expression"))
	if expr == "" {
		return celStep{}, fmt.Errorf("%s is required for patchType %s", path, typ)
	}
	prg, err := cel.CompileIn(env, expr, path)
	if err != nil {
		return celStep{}, err
	}
	if out := prg.OutputType(); out != nil && !out.IsExactType(celgo.DynType) && !out.IsAssignableType(want) {
		return celStep{}, &cel.Error{Path: path, Expression: expr, Detail: fmt.Sprintf("must evaluate to %s, not %s", want, out)}
	}
	return celStep{jsonPatch: typ == "JSONPatch", program: prg}, nil
}

func compileConditions(env *celgo.Env, n *yaml.Node) (cel.Conditions, error) {
	var out cel.Conditions
	for i, c := range yamlnode.Items(n) {
		path := fmt.Sprintf("spec.matchConditions[%d].expression", i)
		prg, err := cel.CompileIn(env, yamlnode.Scalar(yamlnode.Field(c, "expression")), path)
		if err != nil {
			return nil, err
		}
		out = append(out, cel.Condition{Name: yamlnode.Scalar(yamlnode.Field(c, "name")), Program: prg})
	}
	return out, nil
}

// apply evaluates the mutations in turn, each on the object the previous
// one left, as the API server does, and writes the difference back.
func (m *celMutating) apply(en env) (bool, error) {
	o, err := apply.NewObject(en.u.node.YNode())
	if err != nil {
		return false, err
	}
	in := cel.Input{Object: o.Value(), Request: m.requestOf(en), NamespaceObject: en.e.namespaceObject(en.u.res.Namespace)}
	ok, failed, err := m.conditions.Match(cel.NewBindings(in, m.variables))
	if err != nil {
		return false, err
	}
	if !ok {
		return false, &conditionsNotMet{name: failed}
	}
	changed := false
	for _, s := range m.steps {
		in.Object = o.Value()
		v, err := s.program.Eval(cel.NewBindings(in, m.variables))
		if err != nil {
			return changed, err
		}
		if err := m.applyStep(o, s, v); err != nil {
			return changed, fmt.Errorf("%s: %w", s.program.Path, err)
		}
		// Written back after each mutation, so that the keys each one
		// adds follow those of the mutations before it, as the policy
		// lists them.
		c, err := o.WriteBack()
		changed = changed || c
		if err != nil {
			return changed, err
		}
	}
	return changed, nil
}

func (m *celMutating) applyStep(o *apply.Object, s celStep, v ref.Val) error {
	if s.jsonPatch {
		ops, err := apply.OpsOf(v)
		if err != nil {
			return err
		}
		return o.JSONPatch(ops)
	}
	cfg, err := apply.ConfigurationOf(v)
	if err != nil {
		return err
	}
	return o.ApplyConfiguration(cfg, m.merge)
}

// requestOf is the admission request a render stands for.
func (m *celMutating) requestOf(en env) map[string]any {
	res := &en.u.res
	mapping, _ := builtinMapper.Map(res.Group, res.Kind)
	op := en.e.operation(m.rule, en.u)
	if op == "" {
		op = "CREATE"
	}
	return map[string]any{
		"operation": op,
		"kind":      map[string]any{"group": res.Group, "version": res.Version, "kind": res.Kind},
		"resource":  map[string]any{"group": res.Group, "version": res.Version, "resource": mapping.Resource},
		"name":      res.Name,
		"namespace": res.Namespace,
		"dryRun":    false,
		"userInfo":  map[string]any{},
	}
}

// namespaceObject is the namespaceObject binding: the resource's Namespace
// with the labels known for it, or null for a cluster-scoped resource.
func (e *Engine) namespaceObject(ns string) any {
	if ns == "" {
		return nil
	}
	meta := map[string]any{"name": ns}
	if l := e.namespaceLabels(ns); l != nil {
		labels := make(map[string]any, len(l))
		for k, v := range l {
			labels[k] = v
		}
		meta["labels"] = labels
	}
	return map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": meta}
}

// conditionsNotMet is a CEL policy's matchConditions not holding on a
// resource: a skip, as in Kyverno, not an error.
type conditionsNotMet struct{ name string }

func (c *conditionsNotMet) Error() string {
	return fmt.Sprintf("matchCondition %s is not met", c.name)
}

// mutationErrorOutcome is the result of a mutation that returned err.
func mutationErrorOutcome(err error) outcome {
	var nm *conditionsNotMet
	if errors.As(err, &nm) {
		return outcome{status: report.StatusSkip, message: err.Error()}
	}
	return outcome{status: report.StatusError, message: err.Error()}
}

// unchangedOutcome is the result of a mutate rule that matched and changed
// nothing: Kyverno skips a classic rule with "no patches applied", and
// passes a CEL policy whose mutations left the resource as it was.
func (r *rule) unchangedOutcome() outcome {
	if r.admission != nil {
		return outcome{status: report.StatusPass, message: "no change"}
	}
	return outcome{status: report.StatusSkip, message: "no patches applied"}
}
