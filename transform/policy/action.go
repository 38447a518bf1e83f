package policy

import (
	"fmt"
	"strings"

	"github.com/preadmit/preadmit/transform/report"
)

// ParseAction reads a failure action, case-insensitively as Kyverno does
// ("enforce", "Enforce", "audit", "Audit"). Warn is not a Kyverno failure
// action and a policy naming it would not load in a cluster: preadmit's Warn
// comes only from --mode.
func ParseAction(s string) (report.Action, error) {
	switch strings.ToLower(s) {
	case "audit":
		return report.ActionAudit, nil
	case "enforce":
		return report.ActionEnforce, nil
	}
	return "", fmt.Errorf("unknown failure action %q: expected Audit or Enforce", s)
}

// Action is the failure action in force for a validate rule: the rule's
// validate.failureAction, else the policy's spec.validationFailureAction,
// else Audit (Kyverno's default).
func (p *Policy) Action(r *Rule) report.Action {
	if r.CEL != nil {
		return r.CEL.Action()
	}
	for _, s := range []string{scalar(r.Node, "validate", "failureAction"), p.ValidationFailureAction} {
		if s == "" {
			continue
		}
		if a, err := ParseAction(s); err == nil {
			return a
		}
	}
	return report.ActionAudit
}
