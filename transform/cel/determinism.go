package cel

import (
	"github.com/google/cel-go/cel"
	celast "github.com/google/cel-go/common/ast"
)

// Nondeterministic names the call that makes the expression give a
// different value each time it is evaluated on the same input: "random"
// (Kyverno's random library) or "time.now()" (the render's clock, fixed
// only by --at); "" when there is none. A mutation must not depend on it,
// or a render would not give the same output twice.
func (p *Program) Nondeterministic() string { return p.nondeterministic }

// ClusterCall names the library reading the cluster or the network the
// expression calls (resource, globalContext, http, image.GetMetadata), or
// "".
func (p *Program) ClusterCall() string { return p.clusterCall }

// clusterCall walks a checked expression for a read of a cluster
// library's variable.
func clusterCall(ast *cel.Ast) string {
	found := ""
	celast.PreOrderVisit(ast.NativeRep().Expr(), celast.NewExprVisitor(func(e celast.Expr) {
		if found == "" && e.Kind() == celast.IdentKind {
			switch n := e.AsIdent(); n {
			case "resource", "globalContext", "http":
				found = n
			case "image": // the variable of image data; image(ref) is a function
				found = "image.GetMetadata"
			}
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
