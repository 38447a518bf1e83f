package transform

import (
	"fmt"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/variables"
)

// maxDynamicExprs bounds the parse cache of one dynamic expression: the
// substituted texts usually take a handful of values.
const maxDynamicExprs = 256

// dynamicExpr is a JMESPath expression written with variables in it, as
// Kyverno allows in a context variable's jmesPath: the variables are
// substituted first, then the result is parsed. Parses are cached by text.
type dynamicExpr struct {
	tmpl  *variables.Template
	mu    sync.Mutex // documents render concurrently
	cache map[string]*variables.Expr
}

func newDynamicExpr(text string) (*dynamicExpr, error) {
	t, err := variables.Compile(yaml.NewScalarRNode(text))
	if err != nil {
		return nil, err
	}
	return &dynamicExpr{tmpl: t, cache: map[string]*variables.Expr{}}, nil
}

func (d *dynamicExpr) expr(ctx *variables.Context) (*variables.Expr, error) {
	v, err := d.tmpl.Value(ctx)
	if err != nil {
		return nil, err
	}
	text, ok := v.(string)
	if !ok {
		return nil, fmt.Errorf("jmesPath substitutes to %v, not to an expression", v)
	}
	d.mu.Lock()
	e, ok := d.cache[text]
	d.mu.Unlock()
	if ok {
		return e, nil
	}
	e, err = variables.ParseExpr(text)
	if err != nil {
		return nil, err
	}
	d.mu.Lock()
	if len(d.cache) < maxDynamicExprs {
		d.cache[text] = e
	}
	d.mu.Unlock()
	return e, nil
}
