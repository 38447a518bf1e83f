package variables

import (
	"errors"
	"fmt"

	gojmespath "github.com/kyverno/go-jmespath"
)

// NotFoundError is the interpreter's "Unknown key ... in path": a field was
// looked up on an object that does not have it, and nothing in the
// expression (a "||", a projection, a function argument) absorbed it.
// Kyverno's engine treats it apart from other errors: a validate foreach
// list that is not there is skipped, for one.
type NotFoundError struct {
	err gojmespath.NotFoundError
}

func (e *NotFoundError) Error() string { return e.err.Error() }

// Unwrap returns the interpreter's own error.
func (e *NotFoundError) Unwrap() error { return e.err }

// Expr is one parsed JMESPath expression. It is evaluated by the
// interpreter Kyverno runs, github.com/kyverno/go-jmespath, with Kyverno's
// function library registered on it, so what a missing key, a projection
// over nothing or a function over null gives is Kyverno's by construction.
type Expr struct {
	text string
	ast  gojmespath.ASTNode
}

// ParseExpr parses a JMESPath expression. An expression calling a function
// the library does not define is an *UnknownFunctionError.
func ParseExpr(text string) (*Expr, error) {
	ast, err := gojmespath.NewParser().Parse(text)
	if err != nil {
		return nil, fmt.Errorf("invalid JMESPath query %s: %w", text, err)
	}
	if err := checkFunctions(ast); err != nil {
		return nil, fmt.Errorf("invalid JMESPath query %s: %w", text, err)
	}
	return &Expr{text: text, ast: ast}, nil
}

// UnknownFunctionError is an expression calling a function that neither
// JMESPath nor Kyverno defines. Kyverno fails such a rule on every resource
// it evaluates; preadmit refuses the policy when it loads.
type UnknownFunctionError struct {
	Name string
}

func (e *UnknownFunctionError) Error() string {
	return "unknown function: " + e.Name + "()"
}

// builtinFunctions are the functions github.com/kyverno/go-jmespath's
// NewFunctionCaller defines (its table is not exported);
// TestBuiltinFunctions holds the list to the interpreter.
var builtinFunctions = map[string]bool{
	"abs": true, "avg": true, "ceil": true, "contains": true, "ends_with": true, "floor": true,
	"join": true, "keys": true, "length": true, "map": true, "max": true, "max_by": true,
	"merge": true, "min": true, "min_by": true, "not_null": true, "reverse": true, "sort": true,
	"sort_by": true, "starts_with": true, "sum": true, "to_array": true, "to_number": true,
	"to_string": true, "type": true, "values": true,
}

// customFunctions are the names of Kyverno's function library.
var customFunctions = func() map[string]bool {
	names := map[string]bool{}
	for _, f := range functionTable(&env{}) {
		names[f.Name] = true
	}
	return names
}()

// checkFunctions reports the first call in the tree to a function the
// interpreter would not find.
func checkFunctions(node gojmespath.ASTNode) error {
	if node.NodeType == gojmespath.ASTFunctionExpression {
		if name, _ := node.Value.(string); !builtinFunctions[name] && !customFunctions[name] {
			return &UnknownFunctionError{Name: name}
		}
	}
	for _, c := range node.Children {
		if err := checkFunctions(c); err != nil {
			return err
		}
	}
	return nil
}

// String returns the expression text.
func (e *Expr) String() string { return e.text }

// Evaluate runs the expression against the context.
func (e *Expr) Evaluate(ctx *Context) (interface{}, error) {
	return e.search(ctx, ctx.data)
}

// EvaluateOn evaluates the expression on data instead of the context's
// root, with the context's functions (a context variable's jmesPath applied
// to its value, a foreach list).
func (e *Expr) EvaluateOn(ctx *Context, data interface{}) (interface{}, error) {
	return e.search(ctx, data)
}

func (e *Expr) search(ctx *Context, data interface{}) (v interface{}, err error) {
	defer func() {
		// The interpreter panics on some hostile inputs; a policy must
		// never take the render down.
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("JMESPath query %s failed: %v", e.text, r)
		}
	}()
	v, err = gojmespath.NewInterpreter().Execute(e.ast, data, ctx.functions())
	if err != nil {
		return nil, notFound(err)
	}
	return v, nil
}

// notFound wraps the interpreter's NotFoundError in *NotFoundError, and
// returns any other error as it is.
func notFound(err error) error {
	var nf gojmespath.NotFoundError
	if errors.As(err, &nf) {
		return &NotFoundError{err: nf}
	}
	return err
}
