package transform

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/conditions"
	"github.com/preadmit/preadmit/transform/mutate/jsonpatch"
	"github.com/preadmit/preadmit/transform/mutate/strategic"
	"github.com/preadmit/preadmit/transform/variables"
)

// compileMutation turns a mutate block (or a foreach entry) into the
// mechanisms it names, in Kyverno's order: patchStrategicMerge, then
// patchesJson6902, then foreach.
func compileMutation(n *yaml.RNode) (mutation, error) {
	return compileMutationAt(n, 0)
}

// compileMutationAt compiles a mutate block whose foreach entries sit at a
// nesting depth (0 for the rule's own foreach).
func compileMutationAt(n *yaml.RNode, depth int) (mutation, error) {
	var steps mutations
	if field(n, "targets") != nil {
		return nil, unsupported("mutate.targets changes other resources in the cluster and is not applied at render time")
	}
	if p := field(n, "patchStrategicMerge"); p != nil {
		s, err := compileStrategic(p)
		if err != nil {
			return nil, fmt.Errorf("patchStrategicMerge: %w", err)
		}
		steps = append(steps, s)
	}
	if p := field(n, "patchesJson6902"); p != nil {
		s, err := compileJSON(p)
		if err != nil {
			return nil, fmt.Errorf("patchesJson6902: %w", err)
		}
		steps = append(steps, s)
	}
	if fe := field(n, "foreach"); fe != nil {
		f, err := compileForeachMutations(fe, depth)
		if err != nil {
			return nil, err
		}
		steps = append(steps, f...)
	}
	if len(steps) == 0 {
		return nil, errors.New("mutate: no patchStrategicMerge, patchesJson6902 or foreach")
	}
	return steps, nil
}

type mutations []mutation

func (ms mutations) apply(en env) (bool, error) {
	applied := false
	for _, m := range ms {
		ok, err := m.apply(en)
		applied = applied || ok
		if err != nil {
			return applied, err
		}
	}
	return applied, nil
}

// strategicStep is a patchStrategicMerge: compiled once when static, or
// substituted and compiled per resource when it holds variables.
type strategicStep struct {
	static *strategic.Patch
	tmpl   *variables.Template
}

func compileStrategic(n *yaml.RNode) (strategicStep, error) {
	if variables.HasVariables(n) {
		t, err := variables.Compile(n)
		if err != nil {
			return strategicStep{}, err
		}
		// Check anchors now, with the variables still in place.
		if _, err := strategic.Compile(n); err != nil {
			return strategicStep{}, err
		}
		return strategicStep{tmpl: t}, nil
	}
	p, err := strategic.Compile(n)
	return strategicStep{static: p}, err
}

func (s strategicStep) apply(en env) (bool, error) {
	p := s.static
	if p == nil {
		n, err := s.tmpl.Substitute(en.ctx)
		if err != nil {
			return false, err
		}
		// n is a fresh copy of the template: no need to copy it again.
		if p, err = strategic.CompileOwned(n); err != nil {
			return false, err
		}
	}
	st, err := p.Apply(en.u.node)
	return st.Changed, err
}

type jsonStep struct {
	static *jsonpatch.Patch
	tmpl   *variables.Template
}

func compileJSON(n *yaml.RNode) (jsonStep, error) {
	if variables.HasVariables(n) {
		t, err := variables.Compile(n)
		return jsonStep{tmpl: t}, err
	}
	p, err := jsonpatch.Compile(n.YNode().Value)
	return jsonStep{static: p}, err
}

func (s jsonStep) apply(en env) (bool, error) {
	p := s.static
	if p == nil {
		n, err := s.tmpl.Substitute(en.ctx)
		if err != nil {
			return false, err
		}
		if p, err = jsonpatch.Compile(n.YNode().Value); err != nil {
			return false, err
		}
	}
	return p.Apply(en.u.node)
}

// foreachMutation is one entry of mutate.foreach: the list expression, its
// own context and preconditions, evaluated per element with element and
// elementIndex set, and the patches (or a nested foreach) to apply.
type foreachMutation struct {
	list       *variables.Expr
	entries    []contextEntry
	pre        *conditions.Conditions
	body       mutation
	descending bool
	// depth is the nesting level: element<depth> and elementIndex<depth>
	// name the element besides element and elementIndex.
	depth int
}

func compileForeachMutations(n *yaml.RNode, depth int) ([]mutation, error) {
	if n.YNode().Kind != yaml.SequenceNode {
		return nil, errors.New("foreach must be a list")
	}
	var out []mutation
	for i, e := range n.YNode().Content {
		en := yaml.NewRNode(e)
		f := &foreachMutation{depth: depth}
		list := scalarAt(en, "list")
		if list == "" {
			return nil, fmt.Errorf("foreach[%d]: list is required", i)
		}
		var err error
		if f.list, err = variables.ParseExpr(trimBraces(list)); err != nil {
			return nil, fmt.Errorf("foreach[%d].list: %w", i, err)
		}
		if f.entries, err = compileContext(field(en, "context")); err != nil {
			return nil, fmt.Errorf("foreach[%d]: %w", i, err)
		}
		if f.pre, err = conditions.Compile(field(en, "preconditions")); err != nil {
			return nil, fmt.Errorf("foreach[%d].preconditions: %w", i, err)
		}
		f.descending = strings.EqualFold(scalarAt(en, "order"), "Descending")
		if f.body, err = compileMutationAt(en, depth+1); err != nil {
			return nil, fmt.Errorf("foreach[%d]: %w", i, err)
		}
		out = append(out, f)
	}
	return out, nil
}

// evalList evaluates a validate foreach list. A list that is not there (no
// initContainers, say) is empty, as Kyverno's validator skips a list whose
// lookup fails with "Unknown key" as an optional field. A mutate foreach
// evaluates its list with Expr.Evaluate instead: Kyverno's mutation handler
// makes any list error, a missing field too, the rule's error, so a
// library policy writes "request.object.spec.initContainers || `[]`".
func evalList(list *variables.Expr, ctx *variables.Context) (interface{}, error) {
	v, err := list.Evaluate(ctx)
	var nf *variables.NotFoundError
	if errors.As(err, &nf) {
		return nil, nil
	}
	return v, err
}

// withElement returns a context with a foreach element set as Kyverno's
// AddElement does: element and elementIndex, and element<depth> and
// elementIndex<depth> for nested loops (elementIndex0, elementIndex1, ...).
func withElement(ctx *variables.Context, el interface{}, i, depth int) *variables.Context {
	ctx = ctx.Clone()
	d := strconv.Itoa(depth)
	ctx.Set("element", el)
	ctx.Set("elementIndex", float64(i))
	ctx.Set("element"+d, el)
	ctx.Set("elementIndex"+d, float64(i))
	return ctx
}

// trimBraces accepts "{{ expr }}" as well as the documented bare "expr".
func trimBraces(s string) string {
	t := strings.TrimSpace(s)
	if strings.HasPrefix(t, "{{") && strings.HasSuffix(t, "}}") {
		return strings.TrimSpace(t[2 : len(t)-2])
	}
	return t
}

func (f *foreachMutation) apply(en env) (bool, error) {
	v, err := f.list.Evaluate(en.ctx)
	if err != nil {
		return false, fmt.Errorf("foreach list %s: %w", f.list, err)
	}
	elems, ok := v.([]interface{})
	if !ok {
		if v == nil {
			return false, nil
		}
		return false, fmt.Errorf("foreach list %s is not a list", f.list)
	}
	applied := false
	for k := range elems {
		i := k
		if f.descending {
			i = len(elems) - 1 - k
		}
		ctx := withElement(en.ctx, elems[i], i, f.depth)
		if ctx, err = en.e.load(f.entries, ctx); err != nil {
			return applied, err
		}
		ok, _, err := f.pre.Evaluate(ctx)
		if err != nil {
			return applied, fmt.Errorf("foreach preconditions: %w", err)
		}
		if !ok {
			continue
		}
		did, err := f.body.apply(env{e: en.e, u: en.u, ctx: ctx})
		applied = applied || did
		if err != nil {
			return applied, fmt.Errorf("foreach element %d: %w", i, err)
		}
	}
	return applied, nil
}
