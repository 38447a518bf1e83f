package policy

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/match"
)

// Annotation keys read from policies.
const (
	AnnotationAutogenControllers = "pod-policies.kyverno.io/autogen-controllers"
	AnnotationTitle              = "policies.kyverno.io/title"
	AnnotationCategory           = "policies.kyverno.io/category"
	AnnotationSeverity           = "policies.kyverno.io/severity"
	AnnotationDescription        = "policies.kyverno.io/description"
	AnnotationRemediation        = "preadmit.io/remediation"
)

// Policy is a Kyverno ClusterPolicy or Policy.
type Policy struct {
	// File is where the policy was read from ("embedded:..." for the
	// built-in library).
	File string
	// Kind is ClusterPolicy or Policy.
	Kind string
	Name string
	// Namespace is set for a namespaced Policy, which applies only to
	// resources in that namespace.
	Namespace   string
	Annotations map[string]string
	// ValidationFailureAction is spec.validationFailureAction as written
	// ("" when unset: Kyverno's default is Audit).
	ValidationFailureAction string
	// FailurePolicy is spec.failurePolicy: "Ignore" lets a rule that
	// cannot be evaluated pass; "" or "Fail" (Kyverno's default) blocks.
	FailurePolicy string
	// Rules are the rules as written followed by the rules autogen derived
	// for pod controllers.
	Rules []*Rule
	// Node is the whole policy document.
	Node *yaml.RNode
	// Checked is set on the policies of a library checked when the
	// binary was built (LoadPreparsed): an engine compiles their rules
	// when it first meets a kind they match, not up front. A user's
	// policies are never Checked, so their defects stop a render before
	// it starts.
	Checked bool
}

// Rule is one rule of a policy.
type Rule struct {
	Name string
	// AutogenOf names the rule this one was generated from, or "".
	AutogenOf string
	Match     match.Spec
	Exclude   match.Spec
	// Node is the rule as written, or as autogen generated it.
	Node *yaml.RNode
	// CEL is set for a rule written in CEL (a ValidatingPolicy, a
	// ValidatingAdmissionPolicy binding, validate.cel): see cel.go.
	CEL *CEL
	// typ is a classic rule's type, classified once when the rule is read
	// (RuleType).
	typ RuleType
	// celAutogen marks a CEL rule autogen derived for pod controllers
	// (autogen-defaults, autogen-cronjobs): see Autogen.
	celAutogen bool
}

// Autogen reports whether autogen derived the rule from one written for
// Pods, to check the pod template of a pod controller: a classic rule's
// AutogenOf names its source; a CEL policy's autogen rules are its own.
func (r *Rule) Autogen() bool { return r.AutogenOf != "" || r.celAutogen }

// Field returns a field of the rule node, or nil.
func (r *Rule) Field(path ...string) *yaml.RNode {
	n, err := r.Node.Pipe(yaml.Lookup(path...))
	if err != nil {
		return nil
	}
	return n
}

// Severity returns the policy's severity annotation.
func (p *Policy) Severity() string { return p.Annotations[AnnotationSeverity] }

// Category returns the policy's category annotation.
func (p *Policy) Category() string { return p.Annotations[AnnotationCategory] }

// Remediation returns the runbook snippet of the policy.
func (p *Policy) Remediation() string { return p.Annotations[AnnotationRemediation] }
