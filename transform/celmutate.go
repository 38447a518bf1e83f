package transform

import (
	"errors"
	"fmt"
	"sync"

	celgo "github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types/ref"

	"github.com/preadmit/preadmit/transform/cel"
	"github.com/preadmit/preadmit/transform/mutate/apply"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

// mutationEnvs are the CEL environments of mutation expressions, by
// libraries: the admission environment with the Object{…} and JSONPatch{…}
// types.
var mutationEnvs = [...]func() (*celgo.Env, error){
	cel.APIServerLibraries: sync.OnceValues(func() (*celgo.Env, error) { return cel.APIServerLibraries.EnvWith(apply.EnvOptions()...) }),
	cel.KyvernoLibraries:   sync.OnceValues(func() (*celgo.Env, error) { return cel.KyvernoLibraries.EnvWith(apply.EnvOptions()...) }),
	cel.KyvernoClusterLibraries: sync.OnceValues(func() (*celgo.Env, error) {
		return cel.KyvernoClusterLibraries.EnvWith(apply.EnvOptions()...)
	}),
}

// celMutating is a mutating CEL rule's mutations (a MutatingPolicy's, a
// MutatingAdmissionPolicy's with one binding), run after the rule's
// matchConditions with its variables.
type celMutating struct {
	c     *celRule
	steps []celStep
	merge apply.Merge
	// readsClock is set when an expression reads time.now(): the render
	// must have a fixed clock (--at) for the output to be the same each
	// time.
	readsClock string
}

type celStep struct {
	jsonPatch bool
	program   *cel.Program
}

// compileCELMutations compiles spec.mutations of a mutating CEL rule.
func compileCELMutations(c *celRule, spec *policy.CEL) (*celMutating, error) {
	env, err := mutationEnvs[c.libs]()
	if err != nil {
		return nil, err
	}
	m := &celMutating{c: c}
	if spec.Evaluation != nil && spec.Evaluation.UseServerSideApply {
		m.merge = apply.Atomics
	}
	var errs []error
	for i, mu := range spec.Mutations {
		step, err := compileCELStep(env, spec.Path, mu, i)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		m.steps = append(m.steps, step)
	}
	if len(spec.Mutations) == 0 {
		errs = append(errs, fmt.Errorf("%s.mutations: no mutation", spec.Path))
	}
	errs = append(errs, m.checkDeterministic()...)
	return m, errors.Join(errs...)
}

// checkDeterministic refuses a mutating policy whose expressions call
// random: its output would differ from one render to the next. One that
// reads time.now() is applied only under a fixed clock (--at), see apply.
func (m *celMutating) checkDeterministic() []error {
	programs := make([]*cel.Program, 0, len(m.c.variables)+len(m.c.conditions)+len(m.steps))
	for _, v := range m.c.variables {
		programs = append(programs, v.Program)
	}
	for _, c := range m.c.conditions {
		programs = append(programs, c.Program)
	}
	for _, s := range m.steps {
		programs = append(programs, s.program)
	}
	var errs []error
	for _, p := range programs {
		switch call := p.Nondeterministic(); call {
		case "":
		case "time.now()":
			if m.readsClock == "" {
				m.readsClock = p.Path
			}
		default:
			errs = append(errs, fmt.Errorf("%s: %q calls %s, which gives a different value each time: a mutation must give the same output on every render", p.Path, p.Expression, call))
		}
	}
	return errs
}

func compileCELStep(env *celgo.Env, at string, mu policy.Mutation, i int) (celStep, error) {
	var field string
	var want *celgo.Type
	var src *policy.Expression
	switch mu.PatchType {
	case "ApplyConfiguration":
		field, want, src = "applyConfiguration", apply.ObjectType, mu.ApplyConfiguration
	case "JSONPatch":
		field, want, src = "jsonPatch", celgo.ListType(apply.JSONPatchType), mu.JSONPatch
	default:
		return celStep{}, fmt.Errorf("%s.mutations[%d].patchType: %q is not ApplyConfiguration or JSONPatch", at, i, mu.PatchType)
	}
	path := fmt.Sprintf("%s.mutations[%d].%s.expression", at, i, field)
	if src == nil || src.Expression == "" {
		return celStep{}, fmt.Errorf("%s is required for patchType %s", path, mu.PatchType)
	}
	prg, err := cel.CompileIn(env, src.Expression, path)
	if err != nil {
		return celStep{}, err
	}
	if out := prg.OutputType(); out != nil && !out.IsExactType(celgo.DynType) && !out.IsAssignableType(want) {
		return celStep{}, &cel.Error{Path: path, Expression: src.Expression, Detail: fmt.Sprintf("must evaluate to %s, not %s", want, out)}
	}
	return celStep{jsonPatch: mu.PatchType == "JSONPatch", program: prg}, nil
}

// apply evaluates the mutations in turn, each on the object the previous
// one left, as the API server does, and writes the difference back. With a
// paramKind the policy runs once per parameter object, in turn, each run
// under its own matchConditions (the API server's invocations).
func (m *celMutating) apply(en env) (_ bool, err error) {
	if m.readsClock != "" && en.e.opts.Now == nil {
		return false, fmt.Errorf("%s: reads time.now(), and a mutation that reads the clock gives a different output on every render: fix the clock with --at", m.readsClock)
	}
	in, err := en.e.celInput(m.c.rule, en.u)
	if err != nil {
		return false, err
	}
	in.Exceptions = en.allowed
	// The unit's resource, which celInput made and its CEL rules share;
	// after a failure the node may hold part of the mutations: it is
	// read again. matchConditions that do not hold change nothing.
	o := en.u.cel
	defer func() {
		var nm *conditionsNotMet
		if err != nil && !errors.As(err, &nm) {
			en.u.cel = nil
		}
	}()
	params := []any{nil}
	if m.c.params != nil {
		var skip *outcome
		if params, skip = m.c.params.resolve(en.e, en.u); skip != nil {
			return false, &outcomeError{o: *skip}
		}
	}
	changed, ran := false, false
	var notMet error
	for _, p := range params {
		in.Params = p
		c, err := m.invoke(o, in)
		changed = changed || c
		var nm *conditionsNotMet
		switch {
		case errors.As(err, &nm):
			notMet = err
			continue
		case err != nil:
			return changed, err
		}
		ran = true
	}
	if !ran {
		return false, notMet
	}
	return changed, nil
}

// invoke runs the mutations once, with one binding of params.
func (m *celMutating) invoke(o *apply.Object, in cel.Input) (bool, error) {
	in.Object = o.Value()
	b := cel.NewBindings(in, m.c.variables)
	ok, failed, err := m.c.conditions.Match(b)
	if err != nil {
		return false, err
	}
	if !ok {
		return false, &conditionsNotMet{name: failed}
	}
	changed := false
	for i, s := range m.steps {
		if i == 0 {
			// The object matchConditions saw: its variables hold.
			b.ResetBudget()
		} else {
			b.SetObject(o.Value())
		}
		v, err := s.program.Eval(b)
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

// conditionsNotMet is a CEL policy's matchConditions not holding on a
// resource: a skip, as in Kyverno, not an error.
type conditionsNotMet struct{ name string }

func (c *conditionsNotMet) Error() string {
	return fmt.Sprintf("matchCondition %s is not met", c.name)
}

// outcomeError is a mutation that did not run, with the result it gives
// (no parameter object found: a skip or an error).
type outcomeError struct{ o outcome }

func (e *outcomeError) Error() string { return e.o.message }

// mutationErrorOutcome is the result of a mutation that returned err.
func mutationErrorOutcome(err error) outcome {
	var nm *conditionsNotMet
	if errors.As(err, &nm) {
		return outcome{status: report.StatusSkip, message: err.Error()}
	}
	var oe *outcomeError
	if errors.As(err, &oe) {
		return oe.o
	}
	return outcome{status: report.StatusError, message: err.Error()}
}

// unchangedOutcome is the result of a mutate rule that matched and changed
// nothing: Kyverno skips a classic rule with "no patches applied", and
// passes a CEL policy whose mutations left the resource as it was.
func (r *rule) unchangedOutcome() outcome {
	if r.cel != nil {
		return outcome{status: report.StatusPass, message: "no change", unchanged: true}
	}
	return outcome{status: report.StatusSkip, message: "no patches applied"}
}
