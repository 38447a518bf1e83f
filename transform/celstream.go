package transform

import (
	"fmt"
	"slices"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/stream"
)

// streamAdmissionPolicies compiles the ValidatingAdmissionPolicies the
// stream ships, each with the bindings of the stream that name it, so a
// chart that ships its own policy is checked by it as the cluster would
// check it. A policy without a binding in the stream does nothing in the
// cluster and nothing here; one also loaded as a policy (-p) is applied
// once, from there.
func (e *run) streamAdmissionPolicies(docs []*stream.Document) ([]*rule, error) {
	var found []*policy.Document
	for _, d := range docs {
		if d.Node == nil || d.Node.YNode().Kind != yaml.MappingNode {
			continue
		}
		if policy.IsAdmissionDocument(d.Node) {
			found = append(found, &policy.Document{File: streamName(d), Node: d.Node})
		}
	}
	if len(found) == 0 {
		return nil, nil
	}
	ps, errs := policy.PairAdmission(found, true)
	var rules []*rule
	for _, p := range ps {
		if e.hasPolicy(p.Kind, p.Name) {
			continue
		}
		for _, r := range p.Rules {
			cr, err := compileRule(p, r, e.opts.Mode, false)
			if err != nil {
				errs = append(errs, &policy.Error{File: p.File, Policy: p.Name, Rule: r.Name, Err: err})
				continue
			}
			rules = append(rules, cr)
		}
	}
	return rules, errs.AsError()
}

func streamName(d *stream.Document) string {
	name := fmt.Sprintf("input document %d", d.Index)
	if d.Source != "" {
		name += " (source: " + d.Source + ")"
	}
	return name
}

func (e *Engine) hasPolicy(kind, name string) bool {
	return slices.ContainsFunc(e.rules, func(r *rule) bool { return r.policy.Kind == kind && r.policy.Name == name })
}

// celStreamErr is why a policy the stream ships does not compile.
func (e *run) celStreamErr() error {
	if e.cel == nil {
		return nil
	}
	return e.cel.err
}

// withStreamRules adds the stream's admission policy rules to the rules
// for a kind (they select by matchConstraints, per resource).
func (e *run) withStreamRules(rs []*rule) []*rule {
	if e.cel == nil || len(e.cel.rules) == 0 {
		return rs
	}
	return append(slices.Clip(rs), e.cel.rules...)
}
