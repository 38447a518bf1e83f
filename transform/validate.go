package transform

import (
	"errors"
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/conditions"
	"github.com/preadmit/preadmit/transform/report"
	"github.com/preadmit/preadmit/transform/validate/pattern"
	"github.com/preadmit/preadmit/transform/validate/podsecurity"
	"github.com/preadmit/preadmit/transform/variables"
)

// compileValidation turns a validate block (or a foreach entry) into its
// check.
func compileValidation(n *yaml.RNode) (validation, error) {
	switch {
	case field(n, "foreach") != nil:
		return compileForeachValidation(field(n, "foreach"))
	case field(n, "pattern") != nil:
		return compilePattern(field(n, "pattern"))
	case field(n, "anyPattern") != nil:
		return compileAnyPattern(field(n, "anyPattern"))
	case field(n, "deny") != nil:
		c, err := conditions.Compile(field(n, "deny", "conditions"))
		if err != nil {
			return nil, fmt.Errorf("deny.conditions: %w", err)
		}
		return denyCheck{c}, nil
	case field(n, "podSecurity") != nil:
		c, err := podsecurity.Compile(field(n, "podSecurity"))
		if err != nil {
			return nil, fmt.Errorf("validate.podSecurity: %w", err)
		}
		return podSecurityCheck{c}, nil
	case field(n, "manifests") != nil:
		return nil, unsupported("validate.manifests (signed manifests) is not supported at render time")
	}
	return nil, errors.New("validate: no pattern, anyPattern, deny, podSecurity or foreach")
}

// patternCheck is validate.pattern, compiled once unless it holds variables.
type patternCheck struct {
	static *pattern.Pattern
	tmpl   *variables.Template
	memo   *memo[*pattern.Pattern]
}

func compilePattern(n *yaml.RNode) (validation, error) {
	if variables.HasVariables(n) {
		t, err := variables.Compile(n)
		return patternCheck{tmpl: t, memo: &memo[*pattern.Pattern]{}}, err
	}
	p, err := pattern.Compile(n)
	if err != nil {
		return nil, fmt.Errorf("validate.pattern: %w", err)
	}
	return patternCheck{static: p}, nil
}

func (c patternCheck) validate(en env) []outcome {
	return []outcome{c.check(en, en.u.node)}
}

func (c patternCheck) check(en env, target *yaml.RNode) outcome {
	p := c.static
	if p == nil {
		var err error
		if p, err = c.memo.get(c.tmpl, en.ctx, pattern.Compile); err != nil {
			return outcome{status: report.StatusError, message: err.Error()}
		}
	}
	return fromPattern(p.Match(target))
}

type anyPatternCheck struct {
	static *pattern.AnyPattern
	tmpl   *variables.Template
	memo   *memo[*pattern.AnyPattern]
}

func compileAnyPattern(n *yaml.RNode) (validation, error) {
	if n.YNode().Kind != yaml.SequenceNode {
		return nil, errors.New("validate.anyPattern must be a list")
	}
	if variables.HasVariables(n) {
		t, err := variables.Compile(n)
		return anyPatternCheck{tmpl: t, memo: &memo[*pattern.AnyPattern]{}}, err
	}
	p, err := pattern.CompileAny(elements(n))
	if err != nil {
		return nil, fmt.Errorf("validate.anyPattern: %w", err)
	}
	return anyPatternCheck{static: p}, nil
}

func elements(n *yaml.RNode) []*yaml.RNode {
	var ps []*yaml.RNode
	for _, e := range n.YNode().Content {
		ps = append(ps, yaml.NewRNode(e))
	}
	return ps
}

func (c anyPatternCheck) validate(en env) []outcome {
	return []outcome{c.check(en, en.u.node)}
}

func (c anyPatternCheck) check(en env, target *yaml.RNode) outcome {
	p := c.static
	if p == nil {
		var err error
		compile := func(n *yaml.RNode) (*pattern.AnyPattern, error) { return pattern.CompileAny(elements(n)) }
		if p, err = c.memo.get(c.tmpl, en.ctx, compile); err != nil {
			return outcome{status: report.StatusError, message: err.Error()}
		}
	}
	return fromPattern(p.Match(target))
}

func fromPattern(r pattern.Result) outcome {
	switch r.Status {
	case pattern.Pass:
		return outcome{status: report.StatusPass}
	case pattern.Skip:
		return outcome{status: report.StatusSkip, message: r.Message}
	}
	msg := r.Message
	if rest, ok := strings.CutPrefix(msg, "failed at path "+r.Path+": "); ok {
		msg = rest
	}
	return outcome{status: report.StatusFail, path: r.Path, message: msg}
}

// denyCheck is validate.deny: the rule fails when the conditions hold.
type denyCheck struct{ c *conditions.Conditions }

func (d denyCheck) validate(en env) []outcome { return []outcome{d.check(en)} }

func (d denyCheck) check(en env) outcome {
	deny, msg, err := d.c.Evaluate(en.ctx)
	switch {
	case err != nil:
		return outcome{status: report.StatusError, message: fmt.Sprintf("deny conditions: %v", err)}
	case deny:
		return outcome{status: report.StatusFail, message: msg}
	}
	return outcome{status: report.StatusPass}
}

type podSecurityCheck struct{ c *podsecurity.Check }

func (c podSecurityCheck) validate(en env) []outcome {
	vs, err := c.c.Evaluate(en.u.node)
	if err != nil {
		return []outcome{{status: report.StatusError, message: err.Error()}}
	}
	if len(vs) == 0 {
		return []outcome{{status: report.StatusPass}}
	}
	if en.pss != nil {
		// The rule fails; the exceptions' controls are excused now, as
		// Kyverno applies them after the evaluation.
		if vs, err = c.c.WithExcludes(en.pss.excludes).Evaluate(en.u.node); err != nil {
			return []outcome{{status: report.StatusError, message: err.Error()}}
		}
		if len(vs) == 0 {
			return []outcome{exempted(en.pss.by)}
		}
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
