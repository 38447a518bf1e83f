package variables

import (
	"fmt"
	"sync"

	"github.com/jmespath-community/go-jmespath/pkg/interpreter"
	"github.com/jmespath-community/go-jmespath/pkg/parsing"
	"github.com/jmespath-community/go-jmespath/pkg/util"
)

// NotFoundError is Kyverno's JMESPath "not found" error: a field was looked
// up on an object that does not have it.
type NotFoundError struct {
	Key string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("Unknown key %q in path", e.Key)
}

// Expr is one parsed JMESPath expression.
type Expr struct {
	text  string
	ast   parsing.ASTNode
	chain []step // set when the expression is a plain path
	plan  *strictNode
}

// step is one element of a plain path: a field name or an array index.
type step struct {
	field string
	index int
	isIdx bool
}

// ParseExpr parses a JMESPath expression.
func ParseExpr(text string) (*Expr, error) {
	ast, err := parsing.NewParser().Parse(text)
	if err != nil {
		return nil, fmt.Errorf("invalid JMESPath query %s: %w", text, err)
	}
	if err := checkFunctions(ast); err != nil {
		return nil, fmt.Errorf("invalid JMESPath query %s: %w", text, err)
	}
	e := &Expr{text: text, ast: ast}
	if c, ok := chainOf(ast); ok && len(c) > 0 {
		e.chain = c
	}
	e.plan = planStrict(&e.ast, 0)
	return e, nil
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

// knownFunctions is the set of function names the function table defines.
var knownFunctions = sync.OnceValue(func() map[string]bool {
	names := map[string]bool{}
	for _, f := range functionTable(&env{}) {
		names[f.Name] = true
	}
	return names
})

// checkFunctions reports the first call in the tree to a function the
// table does not define.
func checkFunctions(node parsing.ASTNode) error {
	if node.NodeType == parsing.ASTFunctionExpression {
		if name, _ := node.Value.(string); !knownFunctions()[name] {
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
	if e.chain != nil {
		return walk(e.chain, data)
	}
	defer func() {
		// The interpreter panics on some hostile inputs (deep recursion
		// aside); a policy must never take the render down.
		if r := recover(); r != nil {
			v, err = nil, fmt.Errorf("JMESPath query %s failed: %v", e.text, r)
		}
	}()
	intr := interpreter.NewInterpreter(data, ctx.caller(), nil)
	v, known, err := strict(intr, e.plan, data)
	if err != nil || known {
		return v, err
	}
	return intr.Execute(e.ast, data)
}

// chainOf reports whether node is a plain path (fields and indexes) and
// returns its steps.
func chainOf(node parsing.ASTNode) ([]step, bool) {
	switch node.NodeType {
	case parsing.ASTField:
		s, ok := node.Value.(string)
		return []step{{field: s}}, ok
	case parsing.ASTCurrentNode, parsing.ASTIdentity:
		return []step{}, true
	case parsing.ASTSubexpression, parsing.ASTIndexExpression:
		if len(node.Children) != 2 {
			return nil, false
		}
		left, ok := chainOf(node.Children[0])
		if !ok {
			return nil, false
		}
		r := node.Children[1]
		if r.NodeType == parsing.ASTIndex {
			i, ok := r.Value.(int)
			if !ok {
				return nil, false
			}
			return append(left, step{index: i, isIdx: true}), true
		}
		right, ok := chainOf(r)
		if !ok {
			return nil, false
		}
		return append(left, right...), true
	}
	return nil, false
}

// walk follows a plain path the way Kyverno's JMESPath fork does: a key
// missing from an object is a NotFoundError; anything else that does not
// fit (a field of a string, an index out of range) yields null.
func walk(steps []step, v interface{}) (interface{}, error) {
	for _, s := range steps {
		if s.isIdx {
			arr, ok := v.([]interface{})
			if !ok {
				return nil, nil
			}
			i := s.index
			if i < 0 {
				i += len(arr)
			}
			if i < 0 || i >= len(arr) {
				return nil, nil
			}
			v = arr[i]
			continue
		}
		m, ok := v.(map[string]interface{})
		if !ok {
			return nil, nil
		}
		v, ok = m[s.field]
		if !ok {
			return nil, &NotFoundError{Key: s.field}
		}
	}
	return v, nil
}

// strict reports the NotFoundError Kyverno's interpreter would raise for
// node evaluated against value. Missing keys count on paths evaluated
// against the value itself, in function arguments, comparisons, "&&", "!",
// pipes and the right side of "||"; they do not count on the left of
// "||", inside projections, filters and multi-selects, which Kyverno
// tolerates. The plain paths of an expression are found once, by
// planStrict, not per evaluation.
//
// Where the check had to evaluate a node anyway (a plain path, the left
// side of "||", "&&" or a pipe), it returns the node's value with known
// set, so that the expression is not evaluated a second time.
func strict(intr interpreter.Interpreter, node *strictNode, value interface{}) (v interface{}, known bool, err error) {
	if node.isChain {
		v, err := walk(node.chain, value)
		return v, err == nil, err
	}
	if node.tooDeep {
		return nil, false, nil
	}
	kids := node.kids
	switch node.ast.NodeType {
	case parsing.ASTLiteral:
		return node.ast.Value, true, nil
	case parsing.ASTOrExpression:
		// A missing key on the left is falsy, not an error.
		left, err := intr.Execute(node.ast.Children[0], value)
		if err != nil {
			return nil, false, nil
		}
		if !util.IsFalse(left) {
			return left, true, nil
		}
		return strict(intr, kids[1], value)
	case parsing.ASTAndExpression:
		if _, _, err := strict(intr, kids[0], value); err != nil {
			return nil, false, err
		}
		left, err := intr.Execute(node.ast.Children[0], value)
		if err != nil {
			return nil, false, nil
		}
		if util.IsFalse(left) {
			return left, true, nil
		}
		return strict(intr, kids[1], value)
	case parsing.ASTPipe, parsing.ASTSubexpression:
		if _, _, err := strict(intr, kids[0], value); err != nil {
			return nil, false, err
		}
		if node.ast.NodeType == parsing.ASTSubexpression {
			return nil, false, nil
		}
		left, err := intr.Execute(node.ast.Children[0], value)
		if err != nil {
			return nil, false, nil
		}
		return strict(intr, kids[1], left)
	case parsing.ASTNotExpression, parsing.ASTArithmeticUnaryExpression:
		_, _, err := strict(intr, kids[0], value)
		return nil, false, err
	case parsing.ASTComparator, parsing.ASTArithmeticExpression, parsing.ASTFunctionExpression:
		for i, c := range node.ast.Children {
			if c.NodeType == parsing.ASTExpRef {
				continue
			}
			if _, _, err := strict(intr, kids[i], value); err != nil {
				return nil, false, err
			}
		}
	case parsing.ASTProjection, parsing.ASTFilterProjection, parsing.ASTValueProjection,
		parsing.ASTFlatten, parsing.ASTIndexExpression:
		if len(kids) > 0 {
			_, _, err := strict(intr, kids[0], value)
			return nil, false, err
		}
	}
	return nil, false, nil
}

// strictNode is a node of an expression's AST as strict reads it: a plain
// path with its steps, or the node with its children.
type strictNode struct {
	ast     *parsing.ASTNode
	chain   []step
	isChain bool
	kids    []*strictNode
	tooDeep bool // nested beyond maxDepth: not checked
}

// planStrict prepares the AST for strict, once per expression.
func planStrict(ast *parsing.ASTNode, depth int) *strictNode {
	n := &strictNode{ast: ast}
	if c, ok := chainOf(*ast); ok {
		n.chain, n.isChain = c, true
		return n
	}
	if depth > maxDepth {
		n.tooDeep = true
		return n
	}
	n.kids = make([]*strictNode, len(ast.Children))
	for i := range ast.Children {
		n.kids[i] = planStrict(&ast.Children[i], depth+1)
	}
	return n
}
