package transform

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
	"github.com/preadmit/preadmit/transform/validate/pattern"
	"github.com/preadmit/preadmit/transform/validate/podsecurity"
)

func compileValidation(r *policy.Rule) (validation, error) {
	switch {
	case r.Field("validate", "foreach") != nil:
		return nil, unsupported("validate.foreach is not supported yet")
	case r.Field("validate", "deny") != nil:
		return nil, unsupported("validate.deny is not supported yet")
	case r.Field("validate", "pattern") != nil:
		n := r.Field("validate", "pattern")
		if hasVariables(n) {
			return nil, unsupported("variables in validate.pattern are not supported yet")
		}
		p, err := pattern.Compile(n)
		if err != nil {
			return nil, fmt.Errorf("validate.pattern: %w", err)
		}
		return patternCheck{p}, nil
	case r.Field("validate", "anyPattern") != nil:
		n := r.Field("validate", "anyPattern")
		if hasVariables(n) {
			return nil, unsupported("variables in validate.anyPattern are not supported yet")
		}
		if n.YNode().Kind != yaml.SequenceNode {
			return nil, fmt.Errorf("validate.anyPattern must be a list")
		}
		var ps []*yaml.RNode
		for _, e := range n.YNode().Content {
			ps = append(ps, yaml.NewRNode(e))
		}
		p, err := pattern.CompileAny(ps)
		if err != nil {
			return nil, fmt.Errorf("validate.anyPattern: %w", err)
		}
		return anyPatternCheck{p}, nil
	case r.Field("validate", "podSecurity") != nil:
		c, err := podsecurity.Compile(r.Field("validate", "podSecurity"))
		if err != nil {
			return nil, fmt.Errorf("validate.podSecurity: %w", err)
		}
		return podSecurityCheck{c}, nil
	case r.Field("validate", "cel") != nil:
		return nil, unsupported("validate.cel is not supported")
	case r.Field("validate", "manifests") != nil:
		return nil, unsupported("validate.manifests (signed manifests) is not supported")
	}
	return nil, fmt.Errorf("validate: no pattern, anyPattern, deny, podSecurity or foreach")
}

type patternCheck struct{ p *pattern.Pattern }

func (c patternCheck) validate(u *unit) []outcome {
	return []outcome{fromPattern(c.p.Match(u.node))}
}

type anyPatternCheck struct{ p *pattern.AnyPattern }

func (c anyPatternCheck) validate(u *unit) []outcome {
	return []outcome{fromPattern(c.p.Match(u.node))}
}

func fromPattern(r pattern.Result) outcome {
	switch r.Status {
	case pattern.Pass:
		return outcome{status: report.StatusPass}
	case pattern.Skip:
		return outcome{status: report.StatusSkip, message: r.Message}
	}
	return outcome{status: report.StatusFail, path: r.Path, message: r.Message}
}

type podSecurityCheck struct{ c *podsecurity.Check }

func (c podSecurityCheck) validate(u *unit) []outcome {
	vs, err := c.c.Evaluate(u.node)
	if err != nil {
		return []outcome{{status: report.StatusError, message: err.Error()}}
	}
	if len(vs) == 0 {
		return []outcome{{status: report.StatusPass}}
	}
	var out []outcome
	for _, v := range vs {
		msg := v.Message
		if v.Fix != "" {
			msg += "; fix: " + v.Fix
		}
		out = append(out, outcome{status: report.StatusFail, path: strings.Join(v.Paths, ", "), message: msg, control: v.Control})
	}
	return out
}

// hasVariables reports whether a node holds a Kyverno "{{ }}" expression.
func hasVariables(n *yaml.RNode) bool {
	var walk func(*yaml.Node) bool
	walk = func(n *yaml.Node) bool {
		if n.Kind == yaml.ScalarNode {
			return strings.Contains(n.Value, "{{")
		}
		for _, c := range n.Content {
			if walk(c) {
				return true
			}
		}
		return false
	}
	return walk(n.YNode())
}
