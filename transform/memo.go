package transform

import (
	"encoding/json"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/variables"
)

// memoLimit bounds the compiled forms a memo keeps: a template whose values
// differ for every resource (an element's name) stops being memoised there.
const memoLimit = 256

// memo keeps what is compiled from a template (a validate pattern holding
// variables) per set of variable values. The substituted node depends on
// the values alone, and most such templates read values that are the same
// for every resource (the allowed registries of restrict-image-registries),
// so the pattern is compiled once per distinct set rather than per
// resource. It is safe for concurrent use.
type memo[T any] struct {
	mu sync.Mutex
	m  map[string]T
}

// get substitutes t against ctx and compiles it, or returns what an equal
// set of values compiled to before. Compile errors are not memoised.
func (c *memo[T]) get(t *variables.Template, ctx *variables.Context, compile func(*yaml.RNode) (T, error)) (T, error) {
	var zero T
	vals, err := t.Evaluate(ctx)
	if err != nil {
		return zero, err
	}
	key, kerr := json.Marshal(vals) // JSON-like values: an exact key
	if kerr == nil {
		c.mu.Lock()
		v, ok := c.m[string(key)]
		c.mu.Unlock()
		if ok {
			return v, nil
		}
	}
	n, err := t.SubstituteValues(vals)
	if err != nil {
		return zero, err
	}
	v, err := compile(n)
	if err != nil || kerr != nil {
		return v, err
	}
	c.mu.Lock()
	if c.m == nil {
		c.m = map[string]T{}
	}
	if len(c.m) < memoLimit {
		c.m[string(key)] = v
	}
	c.mu.Unlock()
	return v, nil
}
