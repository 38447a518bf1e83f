package policy

import (
	"errors"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/match"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// The CEL policy kinds the engine applies, and the rule type each has.
var celKinds = map[string]map[string]string{
	"policies.kyverno.io": {
		"MutatingPolicy": "Mutation", "NamespacedMutatingPolicy": "Mutation",
	},
}

// celRuleType is the rule type of a CEL policy kind the engine applies,
// or "".
func celRuleType(apiVersion, kind string) string {
	return celKinds[apiGroup(apiVersion)][kind]
}

// IsCEL reports whether the policy is of a CEL kind: its one rule is the
// whole policy (Rule.Node is the policy document).
func (p *Policy) IsCEL() bool { return p.Kind != "ClusterPolicy" && p.Kind != "Policy" }

// everyKind lets a CEL policy's rule past the engine's kind index: its
// matchConstraints decide, on resources, not kinds.
var everyKind = match.Spec{Any: []match.Filter{{Resources: match.ResourceDescription{Kinds: []string{"*"}}}}}

// parseCEL reads a CEL policy document as a Policy with one rule named for
// it, after checking it against the schema of Kyverno's CRD.
func parseCEL(file string, n *yaml.RNode, typ string, check bool) (*Policy, Errors) {
	root := n.YNode()
	apiVersion, kind := yamlnode.Scalar(yamlnode.Field(root, "apiVersion")), yamlnode.Scalar(yamlnode.Field(root, "kind"))
	meta := yamlnode.Field(root, "metadata")
	p := &Policy{File: file, Kind: kind, Name: yamlnode.Scalar(yamlnode.Field(meta, "name")), Node: n}
	if p.Name == "" {
		return nil, Errors{{File: file, Err: errors.New("metadata.name is required")}}
	}
	if check {
		if errs := checkSchema(file, p.Name, apiVersion, kind, n); len(errs) > 0 {
			return nil, errs
		}
	}
	if kind == "NamespacedMutatingPolicy" {
		p.Namespace = yamlnode.Scalar(yamlnode.Field(meta, "namespace"))
		if p.Namespace == "" {
			p.Namespace = "default"
		}
	}
	if a := yamlnode.Field(meta, "annotations"); a != nil && a.Kind == yaml.MappingNode {
		p.Annotations = map[string]string{}
		for i := 0; i+1 < len(a.Content); i += 2 {
			p.Annotations[a.Content[i].Value] = yamlnode.Scalar(a.Content[i+1])
		}
	}
	spec := yamlnode.Field(root, "spec")
	if spec == nil || spec.Kind != yaml.MappingNode {
		return nil, Errors{{File: file, Policy: p.Name, Err: errors.New("spec is required")}}
	}
	p.FailurePolicy = yamlnode.Scalar(yamlnode.Field(spec, "failurePolicy"))
	if f := p.FailurePolicy; f != "" && f != "Fail" && f != "Ignore" {
		return nil, Errors{{File: file, Policy: p.Name, Err: fmt.Errorf("spec.failurePolicy: %q is not Fail or Ignore", f)}}
	}
	p.Rules = []*Rule{{Name: p.Name, Match: everyKind, Node: n, CELType: typ}}
	gen, err := celAutogen(p, n)
	if err != nil {
		return nil, Errors{{File: file, Policy: p.Name, Err: err}}
	}
	p.Rules = append(p.Rules, gen...)
	return p, nil
}

// pairAdmissionPolicies takes each MutatingAdmissionPolicy that has
// bindings out of s.Others and makes it a policy with one rule per
// binding, as the API server applies a policy once per binding. A policy
// with params (paramKind) stays among the others, refused with its reason.
func (s *Set) pairAdmissionPolicies() {
	bindings := map[string][]*Document{}
	for _, d := range s.Others {
		root := d.Node.YNode()
		if yamlnode.Scalar(yamlnode.Field(root, "kind")) == "MutatingAdmissionPolicyBinding" {
			name := yamlnode.Scalar(yamlnode.Field(yamlnode.Field(root, "spec"), "policyName"))
			bindings[name] = append(bindings[name], d)
		}
	}
	paired := map[*Document]bool{}
	for _, d := range s.Others {
		root := d.Node.YNode()
		if yamlnode.Scalar(yamlnode.Field(root, "kind")) != "MutatingAdmissionPolicy" ||
			!isAdmissionPolicy(yamlnode.Scalar(yamlnode.Field(root, "apiVersion")), "MutatingAdmissionPolicy") {
			continue
		}
		name := yamlnode.Scalar(yamlnode.Field(yamlnode.Field(root, "metadata"), "name"))
		if yamlnode.Field(yamlnode.Field(root, "spec"), "paramKind") != nil {
			continue
		}
		bs := bindings[name]
		p := &Policy{File: d.File, Kind: "MutatingAdmissionPolicy", Name: name, Node: d.Node,
			FailurePolicy: yamlnode.Scalar(yamlnode.Field(yamlnode.Field(root, "spec"), "failurePolicy"))}
		for _, b := range bs {
			bname := yamlnode.Scalar(yamlnode.Field(yamlnode.Field(b.Node.YNode(), "metadata"), "name"))
			p.Rules = append(p.Rules, &Rule{Name: bname, Match: everyKind, Node: d.Node, Binding: b.Node, CELType: "Mutation"})
			paired[b] = true
		}
		if len(bs) == 0 {
			// As the Kyverno CLI: a policy handed in without a binding
			// applies wherever its matchConstraints select.
			p.Rules = []*Rule{{Name: name, Match: everyKind, Node: d.Node, CELType: "Mutation"}}
		}
		paired[d] = true
		s.Policies = append(s.Policies, p)
	}
	others := s.Others[:0]
	for _, d := range s.Others {
		if !paired[d] {
			others = append(others, d)
		}
	}
	s.Others = others
}
