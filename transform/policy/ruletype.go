package policy

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/report"
)

// RuleType is the kind of work a rule does: report.RuleType, the one type
// results carry too (package report cannot import this one, which imports
// it for report.Action).
type RuleType = report.RuleType

// The rule types, as report declares them.
const (
	RuleMutation          = report.RuleMutation
	RuleValidation        = report.RuleValidation
	RuleGeneration        = report.RuleGeneration
	RuleImageVerification = report.RuleImageVerification
)

// RuleType is the rule's type: Mutation or Validation for a CEL rule,
// else what the rule's node was classified as when it was read; "" for a
// rule of none.
func (r *Rule) RuleType() RuleType {
	if r.CEL != nil {
		return r.CEL.RuleType()
	}
	return r.typ
}

// classify reads a classic rule's type from its node, once, when the rule
// is read: the block it has of mutate, validate, generate and verifyImages.
func classify(n *yaml.RNode) RuleType {
	for _, t := range []struct {
		field string
		typ   RuleType
	}{
		{"mutate", RuleMutation},
		{"validate", RuleValidation},
		{"generate", RuleGeneration},
		{"verifyImages", RuleImageVerification},
	} {
		if f, err := n.Pipe(yaml.Lookup(t.field)); err == nil && f != nil {
			return t.typ
		}
	}
	return ""
}
