package policy

import (
	"bytes"
	"encoding/json"
	"fmt"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"github.com/preadmit/preadmit/transform/yamlnode"
)

// Kinds of Kubernetes' validating admission policies.
const (
	KindVAP        = "ValidatingAdmissionPolicy"
	KindVAPBinding = "ValidatingAdmissionPolicyBinding"
)

// admissionVersions are the versions of admissionregistration.k8s.io the
// validating kinds are read in (v1 is GA; the beta has the same shape).
var admissionVersions = map[string]bool{
	"admissionregistration.k8s.io/v1":       true,
	"admissionregistration.k8s.io/v1beta1":  true,
	"admissionregistration.k8s.io/v1alpha1": true,
}

// pairAdmission turns the ValidatingAdmissionPolicies among s.Others into
// policies, one rule per binding that names them (the binding's name; a
// policy no binding names is applied alone, as the Kyverno CLI does). A
// binding that names no policy of the set is an error. The documents
// paired leave s.Others.
func (s *Set) pairAdmission() Errors {
	var errs Errors
	var vaps []*Document
	bindings := map[string][]*Binding{}
	others := s.Others[:0]
	for _, d := range s.Others {
		root := d.Node.YNode()
		api, kind := yamlnode.Scalar(yamlnode.Field(root, "apiVersion")), yamlnode.Scalar(yamlnode.Field(root, "kind"))
		if !admissionVersions[api] || (kind != KindVAP && kind != KindVAPBinding) {
			others = append(others, d)
			continue
		}
		if kind == KindVAP {
			vaps = append(vaps, d)
			continue
		}
		b, err := decodeBinding(d)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		bindings[b.Spec.PolicyName] = append(bindings[b.Spec.PolicyName], b)
	}
	s.Others = others
	seen := map[string]bool{}
	for _, d := range vaps {
		p, err := ParseAdmissionPolicy(d.File, d, bindings[name(d)])
		if err != nil {
			errs = append(errs, err)
			continue
		}
		seen[p.Name] = true
		s.Policies = append(s.Policies, p)
	}
	for policyName, bs := range bindings {
		if !seen[policyName] {
			for _, b := range bs {
				errs = append(errs, &Error{File: b.File, Policy: policyName,
					Err: fmt.Errorf("%s %s names ValidatingAdmissionPolicy %q, which is not among the policies", KindVAPBinding, b.Name, policyName)})
			}
		}
	}
	return errs
}

func name(d *Document) string {
	return yamlnode.Scalar(yamlnode.Field(yamlnode.Field(d.Node.YNode(), "metadata"), "name"))
}

// strictDecode decodes a document into a Kubernetes type, rejecting
// unknown fields as the API server's strict field validation does.
func strictDecode(d *Document, out any) error {
	b, err := d.Node.MarshalJSON()
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(out)
}

func decodeBinding(d *Document) (*Binding, *Error) {
	var typed admissionregistrationv1.ValidatingAdmissionPolicyBinding
	if err := strictDecode(d, &typed); err != nil {
		return nil, &Error{File: d.File, Policy: name(d), Err: fmt.Errorf("%s: %w", KindVAPBinding, err)}
	}
	b := &Binding{Name: typed.Name, File: d.File}
	b.Spec.PolicyName = typed.Spec.PolicyName
	b.Spec.ParamRef = typed.Spec.ParamRef
	b.Spec.MatchResources = typed.Spec.MatchResources
	b.Spec.ValidationActions = typed.Spec.ValidationActions
	if b.Spec.PolicyName == "" {
		return nil, &Error{File: d.File, Policy: b.Name, Err: fmt.Errorf("%s %s: spec.policyName is required", KindVAPBinding, b.Name)}
	}
	return b, nil
}

// ParseAdmissionPolicy reads a ValidatingAdmissionPolicy with the bindings
// that name it (read from the same sources, or the stream).
func ParseAdmissionPolicy(file string, d *Document, bindings []*Binding) (*Policy, *Error) {
	var typed admissionregistrationv1.ValidatingAdmissionPolicy
	if err := strictDecode(d, &typed); err != nil {
		return nil, &Error{File: file, Policy: name(d), Err: fmt.Errorf("%s: %w", KindVAP, err)}
	}
	p := &Policy{File: file, Kind: KindVAP, Name: typed.Name, Annotations: typed.Annotations, Node: d.Node}
	if p.Name == "" {
		return nil, &Error{File: file, Err: fmt.Errorf("%s: metadata.name is required", KindVAP)}
	}
	spec := typed.Spec
	base := &CEL{Path: "spec", Admission: true, MatchConstraints: spec.MatchConstraints, MatchConditions: spec.MatchConditions,
		Variables: spec.Variables, Validations: spec.Validations, AuditAnnotations: spec.AuditAnnotations,
		FailurePolicy: spec.FailurePolicy, ParamKind: spec.ParamKind}
	if spec.FailurePolicy != nil {
		p.FailurePolicy = string(*spec.FailurePolicy)
	}
	if len(bindings) == 0 {
		p.Rules = []*Rule{{Node: d.Node, CEL: base}}
		return p, nil
	}
	for _, b := range bindings {
		c := *base
		c.Binding = b
		p.Rules = append(p.Rules, &Rule{Name: b.Name, Node: d.Node, CEL: &c})
	}
	return p, nil
}
