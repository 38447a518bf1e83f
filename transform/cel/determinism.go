package cel

import (
	"slices"

	"github.com/google/cel-go/cel"
	celast "github.com/google/cel-go/common/ast"
)

// Nondeterministic names the call that makes the expression give a
// different value each time it is evaluated on the same input: "random"
// (Kyverno's random library) or "time.now()" (the render's clock, fixed
// only by --at); "" when there is none. A mutation must not depend on it,
// or a render would not give the same output twice.
func (p *Program) Nondeterministic() string { return p.nondeterministic }

// ClusterCalls name the libraries reading the cluster or the network the
// expression calls (resource, globalContext, http, image.GetMetadata), each
// once, in the order they first appear; none when it calls none.
func (p *Program) ClusterCalls() []string { return p.clusterCalls }

// clusterCalls walk a checked expression for the reads of cluster
// libraries' variables.
func clusterCalls(ast *cel.Ast) []string {
	var found []string
	celast.PreOrderVisit(ast.NativeRep().Expr(), celast.NewExprVisitor(func(e celast.Expr) {
		if e.Kind() != celast.IdentKind {
			return
		}
		call := ""
		switch n := e.AsIdent(); n {
		case "resource", "globalContext", "http":
			call = n
		case "image": // the variable of image data; image(ref) is a function
			call = "image.GetMetadata"
		}
		if call != "" && !slices.Contains(found, call) {
			found = append(found, call)
		}
	}))
	return found
}

// nondeterministic walks a checked expression for the calls
// Nondeterministic names.
func nondeterministic(ast *cel.Ast) string {
	found := ""
	celast.PreOrderVisit(ast.NativeRep().Expr(), celast.NewExprVisitor(func(e celast.Expr) {
		if found != "" {
			return
		}
		switch e.Kind() {
		case celast.CallKind:
			switch f := e.AsCall().FunctionName(); f {
			case "random", "random.random":
				found = f
			}
		case celast.IdentKind:
			if e.AsIdent() == nowVar {
				found = "time.now()"
			}
		}
	}))
	return found
}

// constant reports whether a checked expression reads nothing: no
// variable (the admission bindings, the policy's variables, a library's
// variable, a comprehension's) and no clock or random source. Its value is
// the same on every input.
func constant(ast *cel.Ast) bool {
	reads := false
	celast.PreOrderVisit(ast.NativeRep().Expr(), celast.NewExprVisitor(func(e celast.Expr) {
		if e.Kind() == celast.IdentKind {
			reads = true
		}
	}))
	return !reads && nondeterministic(ast) == ""
}
