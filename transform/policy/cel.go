package policy

import (
	"encoding/json"
	"fmt"
	"strings"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/report"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// CEL is the CEL part of a rule: a ValidatingPolicy's spec, a
// ValidatingAdmissionPolicy's spec with one of its bindings, or a
// validate.cel block (package transform compiles it with package cel).
type CEL struct {
	// Path is where the expressions were read ("spec", or
	// "spec.rules[0].validate.cel"), for error messages.
	Path string
	// ValidationsField and ConditionsField name the lists Validations and
	// MatchConditions were read from: validations and matchConditions, or
	// in validate.cel expressions and the rule's celPreconditions.
	ValidationsField, ConditionsField string                                    `json:"-"`
	MatchConstraints                  *admissionregistrationv1.MatchResources   `json:"matchConstraints,omitempty"`
	MatchConditions                   []admissionregistrationv1.MatchCondition  `json:"matchConditions,omitempty"`
	Variables                         []admissionregistrationv1.Variable        `json:"variables,omitempty"`
	Validations                       []admissionregistrationv1.Validation      `json:"validations,omitempty"`
	AuditAnnotations                  []admissionregistrationv1.AuditAnnotation `json:"auditAnnotations,omitempty"`
	// ValidationActions are the policy's (or the binding's): Deny, Audit,
	// Warn.
	ValidationActions []admissionregistrationv1.ValidationAction `json:"validationActions,omitempty"`
	FailurePolicy     *admissionregistrationv1.FailurePolicyType `json:"failurePolicy,omitempty"`
	ParamKind         *admissionregistrationv1.ParamKind         `json:"paramKind,omitempty"`
	Autogen           *struct {
		PodControllers *struct {
			Controllers []string `json:"controllers"`
		} `json:"podControllers,omitempty"`
	} `json:"autogen,omitempty"`
	Evaluation *struct {
		Mode EvaluationMode `json:"mode,omitempty"`
		// UseServerSideApply lets a MutatingPolicy's ApplyConfiguration
		// replace atomic fields, as Kyverno does.
		UseServerSideApply bool `json:"useServerSideApply,omitempty"`
	} `json:"evaluation,omitempty"`

	// Admission is set for Kubernetes' own admission policies (the API
	// server's default message, "failed expression: ...").
	Admission bool `json:"-"`
	// Mutating is set for a mutating CEL policy's rule.
	Mutating bool `json:"-"`
	// Mutations are a MutatingPolicy's or MutatingAdmissionPolicy's.
	Mutations []Mutation `json:"mutations,omitempty"`
	// ReinvocationPolicy is read and has no render-time meaning: a
	// render runs each policy once and is idempotent.
	ReinvocationPolicy string `json:"reinvocationPolicy,omitempty"`

	// Binding is set for a ValidatingAdmissionPolicy rule: the binding
	// that applies it (its matchResources narrow MatchConstraints).
	Binding *Binding `json:"-"`
}

// Binding is a ValidatingAdmissionPolicyBinding.
type Binding struct {
	Name string `json:"-"`
	File string `json:"-"`
	Spec struct {
		PolicyName        string                                     `json:"policyName"`
		ParamRef          *admissionregistrationv1.ParamRef          `json:"paramRef,omitempty"`
		MatchResources    *admissionregistrationv1.MatchResources    `json:"matchResources,omitempty"`
		ValidationActions []admissionregistrationv1.ValidationAction `json:"validationActions,omitempty"`
	} `json:"spec"`
}

// EvaluationMode is a ValidatingPolicy's spec.evaluation.mode: what its
// expressions evaluate.
type EvaluationMode string

// The evaluation modes of a ValidatingPolicy.
const (
	// EvaluationKubernetes (the default) checks Kubernetes resources at
	// admission.
	EvaluationKubernetes EvaluationMode = "Kubernetes"
	// EvaluationJSON checks JSON payloads that are not Kubernetes
	// resources (a Terraform plan, a Dockerfile parsed to JSON): object
	// is the payload; matchConstraints, request, oldObject,
	// namespaceObject and auditAnnotations have no part in it.
	EvaluationJSON EvaluationMode = "JSON"
	// EvaluationEnvoy and EvaluationHTTP check the requests of an
	// authorization server (Envoy's external authorization, plain HTTP).
	EvaluationEnvoy EvaluationMode = "Envoy"
	EvaluationHTTP  EvaluationMode = "HTTP"
)

// valid reports whether the mode is one Kyverno has.
func (m EvaluationMode) valid() bool {
	switch m {
	case EvaluationKubernetes, EvaluationJSON, EvaluationEnvoy, EvaluationHTTP:
		return true
	}
	return false
}

// Subject says what a policy in the mode checks, for the report of a
// render, which has Kubernetes resources only.
func (m EvaluationMode) Subject() string {
	switch m {
	case EvaluationJSON:
		return "JSON payloads (spec.evaluation.mode JSON)"
	case EvaluationEnvoy:
		return "Envoy authorization requests (spec.evaluation.mode Envoy)"
	case EvaluationHTTP:
		return "HTTP authorization requests (spec.evaluation.mode HTTP)"
	}
	return "Kubernetes resources"
}

// Mode is the policy's evaluation mode (EvaluationKubernetes when unset).
func (c *CEL) Mode() EvaluationMode {
	if c.Evaluation == nil || c.Evaluation.Mode == "" {
		return EvaluationKubernetes
	}
	return c.Evaluation.Mode
}

// ChecksPayloads reports whether the rule checks JSON payloads
// (EvaluationJSON) rather than Kubernetes resources: a render has none to
// give it.
func (c *CEL) ChecksPayloads() bool { return c.Mode() == EvaluationJSON }

// Mode is the evaluation mode of a ValidatingPolicy, EvaluationKubernetes
// for any other policy: a policy in another mode checks something other
// than Kubernetes resources.
func (p *Policy) Mode() EvaluationMode {
	if len(p.Rules) == 0 || p.Rules[0].CEL == nil {
		return EvaluationKubernetes
	}
	return p.Rules[0].CEL.Mode()
}

// celKinds are the policies.kyverno.io kinds loaded as CEL policies.
var celKinds = map[string]bool{"ValidatingPolicy": true, "NamespacedValidatingPolicy": true,
	"MutatingPolicy": true, "NamespacedMutatingPolicy": true}

// Action maps validationActions (the binding's, else the policy's) onto
// preadmit's actions: Deny blocks, Warn warns, Audit reports. None given
// is Deny, as Kyverno defaults it.
func (c *CEL) Action() report.Action {
	actions := c.ValidationActions
	if c.Binding != nil && len(c.Binding.Spec.ValidationActions) > 0 {
		actions = c.Binding.Spec.ValidationActions
	}
	if len(actions) == 0 {
		return report.ActionEnforce
	}
	out := report.ActionAudit
	for _, a := range actions {
		switch a {
		case admissionregistrationv1.Deny:
			return report.ActionEnforce
		case admissionregistrationv1.Warn:
			out = report.ActionWarn
		}
	}
	return out
}

// RuleType is the engine's rule type of a CEL rule.
func (c *CEL) RuleType() RuleType {
	if c.Mutating {
		return RuleMutation
	}
	return RuleValidation
}

// Applied reports whether documents of a kind are policies the engine
// applies (loaded into Set.Policies): ClusterPolicy, Policy and the CEL
// kinds.
func Applied(apiVersion, kind string) bool {
	switch apiGroup(apiVersion) {
	case "kyverno.io":
		return kind == "ClusterPolicy" || kind == "Policy"
	case "policies.kyverno.io":
		return celKinds[kind]
	case "admissionregistration.k8s.io":
		return kind == KindVAP || kind == KindVAPBinding || kind == KindMAP || kind == KindMAPBinding
	}
	return false
}

// IsCEL reports whether the rule is written in CEL.
func (r *Rule) IsCEL() bool { return r.CEL != nil }

// parseCELPolicy reads a ValidatingPolicy or NamespacedValidatingPolicy:
// one rule with the spec, named after nothing (Kyverno's responses for
// these kinds have no rule name), and the autogen rules for pod
// controllers.
func parseCELPolicy(file string, n *yaml.RNode, check bool) (*Policy, Errors) {
	root := n.YNode()
	apiVersion, kind := yamlnode.Scalar(yamlnode.Field(root, "apiVersion")), yamlnode.Scalar(yamlnode.Field(root, "kind"))
	meta := yamlnode.Field(root, "metadata")
	p := &Policy{File: file, Kind: kind, Name: yamlnode.Scalar(yamlnode.Field(meta, "name")), Node: n}
	if a := yamlnode.Field(meta, "annotations"); a != nil && a.Kind == yaml.MappingNode {
		p.Annotations = n.GetAnnotations()
	}
	if p.Name == "" {
		return nil, Errors{{File: file, Err: fmt.Errorf("%s: metadata.name is required", kind)}}
	}
	if strings.HasPrefix(kind, "Namespaced") {
		p.Namespace = yamlnode.Scalar(yamlnode.Field(meta, "namespace"))
		if p.Namespace == "" {
			p.Namespace = "default"
		}
	}
	if check {
		if errs := checkSchema(file, p.Name, apiVersion, kind, n); len(errs) > 0 {
			return nil, errs
		}
	}
	spec, err := decodeCEL(yaml.NewRNode(yamlnode.Field(root, "spec")))
	if err != nil {
		return nil, Errors{{File: file, Policy: p.Name, Err: fmt.Errorf("spec: %w", err)}}
	}
	if spec.FailurePolicy != nil {
		p.FailurePolicy = string(*spec.FailurePolicy)
	}
	spec.Mutating = strings.Contains(kind, "Mutating")
	if spec.Mutating {
		gen, err := mutatingAutogen(n)
		if err != nil {
			return nil, Errors{{File: file, Policy: p.Name, Err: err}}
		}
		p.Rules = append([]*Rule{{Node: n, CEL: spec}}, gen...)
		return p, nil
	}
	if m := spec.Mode(); !m.valid() {
		return nil, Errors{{File: file, Policy: p.Name, Err: fmt.Errorf("spec.evaluation.mode %q: expected Kubernetes, JSON, Envoy or HTTP", m)}}
	}
	if spec.Mode() != EvaluationKubernetes && !spec.Mutating {
		// Nothing to autogen: a payload or a request is no Pod.
		p.Rules = []*Rule{{Node: n, CEL: spec}}
		return p, nil
	}
	p.Rules = append([]*Rule{{Node: n, CEL: spec}}, celAutogen(spec)...)
	for _, r := range p.Rules[1:] {
		r.Node = n
	}
	return p, nil
}

func decodeCEL(n *yaml.RNode) (*CEL, error) {
	spec := &CEL{Path: "spec"}
	if n.YNode() == nil {
		return nil, fmt.Errorf("is required")
	}
	b, err := n.MarshalJSON()
	if err != nil {
		return nil, err
	}
	if err := json.Unmarshal(b, spec); err != nil {
		return nil, err
	}
	return spec, nil
}
