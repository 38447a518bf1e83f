package policy

import (
	"encoding/json"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/yamlnode"
)

// Kinds of Kubernetes' mutating admission policies.
const (
	KindMAP        = "MutatingAdmissionPolicy"
	KindMAPBinding = "MutatingAdmissionPolicyBinding"
)

// Mutation is one entry of a mutating CEL policy's spec.mutations.
type Mutation struct {
	PatchType          string      `json:"patchType"`
	ApplyConfiguration *Expression `json:"applyConfiguration,omitempty"`
	JSONPatch          *Expression `json:"jsonPatch,omitempty"`
}

// Expression is a CEL expression field.
type Expression struct {
	Expression string `json:"expression"`
}

// pairMutatingAdmission takes each MutatingAdmissionPolicy that has no
// params out of s.Others with its bindings and makes it a policy with one
// rule per binding (named for it), as the API server applies a policy
// once per binding; a policy no binding names applies alone, as the
// Kyverno CLI does. A policy with paramKind stays among the others,
// refused with its reason.
func (s *Set) pairMutatingAdmission() Errors {
	var errs Errors
	bindings := map[string][]*Document{}
	for _, d := range s.Others {
		root := d.Node.YNode()
		if admissionVersions[yamlnode.Scalar(yamlnode.Field(root, "apiVersion"))] && yamlnode.Scalar(yamlnode.Field(root, "kind")) == KindMAPBinding {
			policy := yamlnode.Scalar(yamlnode.Field(yamlnode.Field(root, "spec"), "policyName"))
			bindings[policy] = append(bindings[policy], d)
		}
	}
	paired := map[*Document]bool{}
	for _, d := range s.Others {
		root := d.Node.YNode()
		if !admissionVersions[yamlnode.Scalar(yamlnode.Field(root, "apiVersion"))] || yamlnode.Scalar(yamlnode.Field(root, "kind")) != KindMAP ||
			yamlnode.Field(yamlnode.Field(root, "spec"), "paramKind") != nil {
			continue
		}
		p, err := parseMutatingAdmission(d, bindings[name(d)])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		paired[d] = true
		for _, b := range bindings[name(d)] {
			paired[b] = true
		}
		s.Policies = append(s.Policies, p)
	}
	others := s.Others[:0]
	for _, d := range s.Others {
		if !paired[d] {
			others = append(others, d)
		}
	}
	s.Others = others
	return errs
}

func parseMutatingAdmission(d *Document, bindings []*Document) (*Policy, *Error) {
	root := d.Node.YNode()
	p := &Policy{File: d.File, Kind: KindMAP, Name: name(d), Node: d.Node,
		Annotations: d.Node.GetAnnotations()}
	if p.Name == "" {
		return nil, &Error{File: d.File, Err: fmt.Errorf("%s: metadata.name is required", KindMAP)}
	}
	spec, err := decodeCEL(yaml.NewRNode(yamlnode.Field(root, "spec")))
	if err != nil {
		return nil, &Error{File: d.File, Policy: p.Name, Err: fmt.Errorf("spec: %w", err)}
	}
	spec.Mutating, spec.Admission = true, true
	if spec.FailurePolicy != nil {
		p.FailurePolicy = string(*spec.FailurePolicy)
	}
	if len(bindings) == 0 {
		p.Rules = []*Rule{{Node: d.Node, CEL: spec}}
		return p, nil
	}
	for _, bd := range bindings {
		b, err := decodeMutatingBinding(bd)
		if err != nil {
			return nil, err
		}
		bspec := *spec
		bspec.Binding = b
		p.Rules = append(p.Rules, &Rule{Name: b.Name, Node: d.Node, CEL: &bspec})
	}
	return p, nil
}

func decodeMutatingBinding(d *Document) (*Binding, *Error) {
	b := &Binding{Name: name(d), File: d.File}
	raw, err := d.Node.MarshalJSON()
	if err == nil {
		err = json.Unmarshal(raw, b)
	}
	if err != nil {
		return nil, &Error{File: d.File, Policy: b.Name, Err: fmt.Errorf("%s: %w", KindMAPBinding, err)}
	}
	return b, nil
}
