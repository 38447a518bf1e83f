package podsecurity

import (
	"fmt"

	"k8s.io/pod-security-admission/api"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// ParseExcludes reads a list of exclusions written outside a rule: a Kyverno
// PolicyException's spec.podSecurity. Each entry is checked as Kyverno's
// PodSecurityStandard.Validate checks it (known control name, images for
// container-level controls, restrictedField with values); the level check is
// left to the rule the exclusions are applied to, as in Kyverno. Field in a
// *RuleError names the entry as for a rule, e.g. "exclude[0].controlName".
func ParseExcludes(n *yaml.RNode) ([]Exclude, error) {
	if n == nil || n.YNode() == nil {
		return nil, nil
	}
	ex, err := parseExcludes(n)
	if err != nil {
		return nil, err
	}
	for i, e := range ex {
		// LevelRestricted: every control may be named; whether it applies
		// is the rule's business.
		if err := validateExclude(api.LevelRestricted, e); err != nil {
			err.Field = fmt.Sprintf("exclude[%d].%s", i, err.Field)
			return nil, err
		}
	}
	return ex, nil
}

// WithExcludes returns a copy of the check that also applies extra
// exclusions, with the same semantics as the rule's own. The receiver is not
// changed.
func (c *Check) WithExcludes(extra []Exclude) *Check {
	if len(extra) == 0 {
		return c
	}
	cp := *c
	cp.Exclude = append(append([]Exclude(nil), c.Exclude...), extra...)
	return &cp
}
