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

// parseMutatingAdmission reads a MutatingAdmissionPolicy with the
// bindings that name it: one rule per binding (named for it), as the API
// server applies a policy once per binding, and one rule for a policy
// without a binding.
func parseMutatingAdmission(file string, d *Document, bindings []*Binding) (*Policy, *Error) {
	root := d.Node.YNode()
	p := &Policy{File: file, Kind: KindMAP, Name: name(d), Node: d.Node,
		Annotations: d.Node.GetAnnotations()}
	if p.Name == "" {
		return nil, &Error{File: file, Err: fmt.Errorf("%s: metadata.name is required", KindMAP)}
	}
	spec, err := decodeCEL(yaml.NewRNode(yamlnode.Field(root, "spec")))
	if err != nil {
		return nil, &Error{File: file, Policy: p.Name, Err: fmt.Errorf("spec: %w", err)}
	}
	spec.Mutating, spec.Admission = true, true
	if spec.FailurePolicy != nil {
		p.FailurePolicy = string(*spec.FailurePolicy)
	}
	if len(bindings) == 0 {
		p.Rules = []*Rule{{Node: d.Node, CEL: spec}}
		return p, nil
	}
	for _, b := range bindings {
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
