package cel

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
)

// Program is one compiled expression. It is immutable and safe for
// concurrent use.
type Program struct {
	Path       string
	Expression string
	prg        cel.Program
	out        *cel.Type
	// nondeterministic is the call that makes the expression give a
	// different value each time ("" when none): see Nondeterministic.
	nondeterministic string
	// value is the expression's value when it is constant (it reads no
	// input): evaluated once, when compiled.
	value ref.Val
	// clusterCalls are the cluster libraries the expression reads.
	clusterCalls []string
}

// Timeout bounds one evaluation, beside the cost limit: a comprehension
// the cost estimate lets through still ends.
var Timeout = 5 * time.Second

// Compile compiles an expression read at path with the API server's
// libraries.
func Compile(expr, path string) (*Program, error) {
	return APIServerLibraries.Compile(expr, path)
}

// Compile compiles an expression read at path with the libraries l.
func (l Libraries) Compile(expr, path string) (*Program, error) {
	env, err := l.Env()
	if err != nil {
		return nil, &Error{Path: path, Expression: expr, Detail: err.Error()}
	}
	p, err := CompileIn(env, expr, path)
	var ce *Error
	if l == APIServerLibraries && errors.As(err, &ce) && !ce.NeedsCluster {
		ce.Detail += kyvernoOnly(ce.Detail)
	}
	return p, err
}

// CompileIn compiles an expression in env, an extension of Env (the
// mutating kinds add their types).
func CompileIn(env *cel.Env, expr, path string) (*Program, error) {
	if int64(len(expr)) > celconfig.MaxRequestSizeBytes {
		return nil, &Error{Path: path, Expression: expr, Detail: "expression longer than the API server allows"}
	}
	ast, iss := env.Compile(expr)
	if iss.Err() != nil {
		d := iss.Err().Error()
		if l := needsCluster(d, expr); l != "" {
			return nil, &Error{Path: path, Expression: expr, Detail: l, NeedsCluster: true}
		}
		return nil, &Error{Path: path, Expression: expr, Detail: d}
	}
	prg, err := env.Program(ast, cel.InterruptCheckFrequency(celconfig.CheckFrequency), cel.CostTracking(dynCost{}))
	if err != nil {
		return nil, &Error{Path: path, Expression: expr, Detail: err.Error()}
	}
	p := &Program{Path: path, Expression: expr, prg: prg, out: ast.OutputType(), nondeterministic: nondeterministic(ast), clusterCalls: clusterCalls(ast)}
	if constant(ast) {
		// A constant (a policy's setting: a registry, a list of
		// defaults) gives the same value each time: the first is kept.
		if v, _, err := prg.Eval(cel.NoVars()); err == nil && !types.IsError(v) {
			p.value = v
		}
	}
	return p, nil
}

// Eval evaluates the program with the bindings, charging its cost to the
// bindings' budget.
func (p *Program) Eval(b *Bindings) (ref.Val, error) {
	if b.budget <= 0 {
		return nil, &EvalError{Path: p.Path, Expression: p.Expression, Err: errBudget}
	}
	if p.value != nil {
		return p.value, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), Timeout)
	defer cancel()
	v, det, err := p.prg.ContextEval(ctx, b)
	if det != nil && det.ActualCost() != nil {
		b.budget -= int64(*det.ActualCost())
	}
	if err != nil {
		return nil, &EvalError{Path: p.Path, Expression: p.Expression, Err: err}
	}
	if b.budget < 0 {
		return nil, &EvalError{Path: p.Path, Expression: p.Expression, Err: errBudget}
	}
	return v, nil
}

// Bool evaluates a program that must give a boolean.
func (p *Program) Bool(b *Bindings) (bool, error) {
	v, err := p.Eval(b)
	if err != nil {
		return false, err
	}
	bv, ok := v.(types.Bool)
	if !ok {
		return false, &EvalError{Path: p.Path, Expression: p.Expression, Err: typeError("bool", v)}
	}
	return bool(bv), nil
}

// String evaluates a program that must give a string.
func (p *Program) String(b *Bindings) (string, error) {
	v, err := p.Eval(b)
	if err != nil {
		return "", err
	}
	s, ok := v.(types.String)
	if !ok {
		return "", &EvalError{Path: p.Path, Expression: p.Expression, Err: typeError("string", v)}
	}
	return string(s), nil
}

// OutputType is the type the checker gives the expression (dyn when it
// reads unschemed values).
func (p *Program) OutputType() *cel.Type { return p.out }

// CompileAs compiles, with the API server's libraries, an expression that
// must give a value of type want (bool for a validation, string for a
// messageExpression); dyn is accepted and checked when evaluated.
func CompileAs(expr, path string, want *cel.Type) (*Program, error) {
	return APIServerLibraries.CompileAs(expr, path, want)
}

// CompileAs is CompileAs with the libraries l.
func (l Libraries) CompileAs(expr, path string, want *cel.Type) (*Program, error) {
	p, err := l.Compile(expr, path)
	if err != nil {
		return nil, err
	}
	if p.out != nil && !p.out.IsExactType(cel.DynType) && !p.out.IsExactType(want) {
		return nil, &Error{Path: path, Expression: expr, Detail: fmt.Sprintf("must evaluate to %s, not %s", want, p.out)}
	}
	return p, nil
}
