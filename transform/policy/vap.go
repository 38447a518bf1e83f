package policy

import (
	"bytes"
	"encoding/json"
	"fmt"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"

	"sigs.k8s.io/kustomize/kyaml/yaml"

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
// policies (PairAdmission); the documents paired leave s.Others.
func (s *Set) pairAdmission() Errors {
	var docs []*Document
	others := s.Others[:0]
	for _, d := range s.Others {
		if IsAdmissionDocument(d.Node) {
			docs = append(docs, d)
			continue
		}
		others = append(others, d)
	}
	s.Others = others
	ps, errs := PairAdmission(docs, false)
	s.Policies = append(s.Policies, ps...)
	return errs
}

// IsAdmissionDocument reports whether a document is one of Kubernetes'
// admission policies or bindings: ValidatingAdmissionPolicy,
// MutatingAdmissionPolicy and their bindings.
func IsAdmissionDocument(n *yaml.RNode) bool {
	root := n.YNode()
	api, kind := yamlnode.Scalar(yamlnode.Field(root, "apiVersion")), yamlnode.Scalar(yamlnode.Field(root, "kind"))
	return admissionVersions[api] && admissionKinds[kind] != ""
}

// admissionKinds map each admission kind to its policy kind.
var admissionKinds = map[string]string{
	KindVAP: KindVAP, KindVAPBinding: KindVAP,
	KindMAP: KindMAP, KindMAPBinding: KindMAP,
}

// PairAdmission makes policies of ValidatingAdmissionPolicy and
// MutatingAdmissionPolicy documents, one rule per binding among docs that
// names them (the binding's name). For policies handed in (-p), a policy
// no binding names is applied alone, as the Kyverno CLI does, and a
// binding that names no policy is an error. For those a stream ships
// (boundOnly), as in the cluster: a policy without a binding does
// nothing, and a binding may name a policy installed elsewhere.
func PairAdmission(docs []*Document, boundOnly bool) ([]*Policy, Errors) {
	var errs Errors
	var policies []*Document
	type key struct{ kind, name string }
	bindings := map[key][]*Binding{}
	var order []key // the policies bindings name, in the order read
	for _, d := range docs {
		kind := yamlnode.Scalar(yamlnode.Field(d.Node.YNode(), "kind"))
		if kind == KindVAP || kind == KindMAP {
			policies = append(policies, d)
			continue
		}
		decode := decodeBinding
		if kind == KindMAPBinding {
			decode = decodeMutatingBinding
		}
		b, err := decode(d)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		k := key{admissionKinds[kind], b.Spec.PolicyName}
		if len(bindings[k]) == 0 {
			order = append(order, k)
		}
		bindings[k] = append(bindings[k], b)
	}
	seen := map[key]bool{}
	var out []*Policy
	for _, d := range policies {
		k := key{yamlnode.Scalar(yamlnode.Field(d.Node.YNode(), "kind")), name(d)}
		bs := bindings[k]
		if boundOnly && len(bs) == 0 {
			continue
		}
		parse := ParseAdmissionPolicy
		if k.kind == KindMAP {
			parse = parseMutatingAdmission
		}
		p, err := parse(d.File, d, bs)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		seen[k] = true
		out = append(out, p)
	}
	if boundOnly {
		return out, errs
	}
	for _, k := range order {
		if seen[k] {
			continue
		}
		for _, b := range bindings[k] {
			errs = append(errs, &Error{File: b.File, Policy: k.name,
				Err: fmt.Errorf("%sBinding %s names %s %q, which is not among the policies", k.kind, b.Name, k.kind, k.name)})
		}
	}
	return out, errs
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

// AddDocument adds one document given on its own (a KRM function's item)
// as a file's document would be added: a ClusterPolicy, Policy or CEL
// policy to Policies, another Kyverno or admission document to Others.
// PairAdmissionPolicies must follow once every document is added.
func (s *Set) AddDocument(file string, n *yaml.RNode) Errors {
	return s.addNode(file, 0, n)
}

// PairAdmissionPolicies turns the ValidatingAdmissionPolicies added with
// AddDocument into policies, with their bindings (as LoadPaths does).
func (s *Set) PairAdmissionPolicies() Errors { return s.pairAdmission() }
