package exception

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/cel"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// matchConditions compiles a policies.kyverno.io exception's
// spec.matchConditions: CEL, evaluated on the resource as the policy's own
// matchConditions are.
func (p *parser) matchConditions(v *yaml.Node) error {
	if v.Kind != yaml.SequenceNode {
		return p.errf("spec.matchConditions", "must be a list")
	}
	names := make([]string, len(v.Content))
	exprs := make([]string, len(v.Content))
	for i, c := range v.Content {
		names[i] = yamlnode.Scalar(yamlnode.Field(c, "name"))
		exprs[i] = yamlnode.Scalar(yamlnode.Field(c, "expression"))
		if exprs[i] == "" {
			return p.errf(fmt.Sprintf("spec.matchConditions[%d].expression", i), "required")
		}
	}
	// Kyverno compiles them in the environment of the policies they
	// name, all of the policies.kyverno.io kinds, with its libraries.
	cs, err := cel.KyvernoLibraries.CompileConditions("spec.matchConditions", names, exprs)
	if err != nil {
		return p.wrap("", err)
	}
	p.x.celConditions = cs
	return nil
}

// HasCELConditions reports whether the exception has CEL matchConditions.
func (x *Exception) HasCELConditions() bool { return len(x.celConditions) > 0 }

// CELConditionsHold evaluates the exception's matchConditions: all must
// hold for the exception to apply.
func (x *Exception) CELConditionsHold(b *cel.Bindings) (bool, error) {
	ok, _, err := x.celConditions.Match(b)
	return ok, err
}
