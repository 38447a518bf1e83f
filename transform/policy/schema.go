package policy

import (
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/schema"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// checkSchema checks a Kyverno document against the schema of its kind and
// version in Kyverno's CRDs, as the API server does when kubectl applies it:
// an unknown field or a mistyped value is a policy error naming the field
// and, when in a rule, the rule. A kind and version the CRDs do not define
// is left to the caller.
func checkSchema(file, name, apiVersion, kind string, n *yaml.RNode) Errors {
	b, err := n.MarshalJSON()
	if err != nil {
		return Errors{{File: file, Policy: name, Err: err}}
	}
	fes, err := schema.Validate(apiVersion, kind, b)
	if err != nil {
		return Errors{{File: file, Policy: name, Err: err}}
	}
	var errs Errors
	for _, fe := range fes {
		errs = append(errs, &Error{File: file, Policy: name, Rule: ruleAt(n, fe.Path), Err: fe})
	}
	return errs
}

// ruleAt is the name of the rule a field path is in ("spec.rules[2]..."),
// or "".
func ruleAt(n *yaml.RNode, path string) string {
	rest, ok := strings.CutPrefix(path, "spec.rules[")
	if !ok {
		return ""
	}
	end := strings.IndexByte(rest, ']')
	if end < 0 {
		return ""
	}
	i, err := strconv.Atoi(rest[:end])
	if err != nil {
		return ""
	}
	rules := yamlnode.Path(n.YNode(), "spec", "rules")
	if rules == nil || rules.Kind != yaml.SequenceNode || i >= len(rules.Content) {
		return ""
	}
	return yamlnode.Scalar(yamlnode.Field(rules.Content[i], "name"))
}
