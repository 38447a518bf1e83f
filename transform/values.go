package transform

import (
	"github.com/preadmit/preadmit/transform/variables"
)

// withValues returns ctx with the values file's values for the rule's
// policy: those of the resource by name, then those of the rule, in the
// Kyverno CLI's order. ctx itself is not changed.
func (r *rule) withValues(e *Engine, u *unit, ctx *variables.Context) *variables.Context {
	res := e.opts.PolicyValues[r.policy.Name].Resources[u.res.Name]
	if len(res) == 0 && len(r.values) == 0 {
		return ctx
	}
	ctx = ctx.Clone()
	for k, v := range res {
		ctx.Set(k, v)
	}
	for k, v := range r.values {
		ctx.Set(k, v)
	}
	return ctx
}
