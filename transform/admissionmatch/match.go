package admissionmatch

import (
	"encoding/json"
	"fmt"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apiserver/pkg/admission"
	"k8s.io/apiserver/pkg/admission/plugin/webhook/predicates/rules"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Object is the identity of a resource as matching needs it.
type Object struct {
	Group, Version, Kind string
	Name                 string
	// Namespace is the effective namespace: "" for a cluster-scoped kind.
	Namespace string
	Labels    map[string]string
	// NamespaceLabels are the labels of the resource's namespace (of the
	// resource itself for a Namespace); nil when unknown, read as none.
	NamespaceLabels map[string]string
	// Operation is CREATE, UPDATE, DELETE or CONNECT; "" is CREATE.
	Operation   string
	Subresource string
}

// Matcher is a compiled matchConstraints or matchResources. It is
// immutable and safe for concurrent use; a nil Matcher selects everything.
type Matcher struct {
	src     admissionregistrationv1.MatchResources
	ns, obj labels.Selector
}

// CompileNode compiles a matchConstraints or matchResources block; a nil
// node compiles to a nil Matcher.
func CompileNode(n *yaml.RNode) (*Matcher, error) {
	if n == nil || n.IsNilOrEmpty() {
		return nil, nil
	}
	b, err := n.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var mr admissionregistrationv1.MatchResources
	if err := json.Unmarshal(b, &mr); err != nil {
		return nil, err
	}
	return Compile(&mr)
}

// Compile compiles a MatchResources.
func Compile(mr *admissionregistrationv1.MatchResources) (*Matcher, error) {
	m := &Matcher{src: *mr, ns: labels.Everything(), obj: labels.Everything()}
	// A rule without operations is one the API server refuses; the
	// Kyverno CLI applies it to every operation, and so does preadmit.
	m.src.ResourceRules = allOperations(mr.ResourceRules)
	m.src.ExcludeResourceRules = allOperations(mr.ExcludeResourceRules)
	var err error
	if mr.NamespaceSelector != nil {
		if m.ns, err = metav1.LabelSelectorAsSelector(mr.NamespaceSelector); err != nil {
			return nil, fmt.Errorf("namespaceSelector: %w", err)
		}
	}
	if mr.ObjectSelector != nil {
		if m.obj, err = metav1.LabelSelectorAsSelector(mr.ObjectSelector); err != nil {
			return nil, fmt.Errorf("objectSelector: %w", err)
		}
	}
	return m, nil
}

// Resources returns the compiled block.
func (m *Matcher) Resources() *admissionregistrationv1.MatchResources { return &m.src }

// Matches reports whether the block selects the object, in the API
// server's order: namespaceSelector, objectSelector, excludeResourceRules,
// resourceRules (none given selects every resource).
func (m *Matcher) Matches(o *Object, mp *Mapper) bool {
	if m == nil {
		return true
	}
	attr := o.attributes(mp)
	if !m.matchesNamespace(o, attr) || !m.obj.Matches(labels.Set(o.Labels)) {
		return false
	}
	if m.matchesRules(m.src.ExcludeResourceRules, attr) {
		return false
	}
	return len(m.src.ResourceRules) == 0 || m.matchesRules(m.src.ResourceRules, attr)
}

// matchesNamespace is the API server's namespace matcher: a cluster-scoped
// object other than a Namespace is always selected.
func (m *Matcher) matchesNamespace(o *Object, attr admission.Attributes) bool {
	if attr.GetNamespace() == "" && attr.GetResource().Resource != "namespaces" {
		return true
	}
	return m.ns.Matches(labels.Set(o.NamespaceLabels))
}

func (m *Matcher) matchesRules(named []admissionregistrationv1.NamedRuleWithOperations, attr admission.Attributes) bool {
	for _, r := range named {
		if ruleMatches(r, attr) {
			return true
		}
	}
	if m.src.MatchPolicy == nil || *m.src.MatchPolicy == admissionregistrationv1.Exact {
		return false
	}
	// Equivalent: the same resource served at another version.
	for _, r := range named {
		for _, v := range r.APIVersions {
			if v == "*" || v == attr.GetResource().Version {
				continue
			}
			eq := &overrideVersion{Attributes: attr, version: v}
			if ruleMatches(r, eq) {
				return true
			}
		}
	}
	return false
}

func ruleMatches(r admissionregistrationv1.NamedRuleWithOperations, attr admission.Attributes) bool {
	rm := rules.Matcher{Rule: r.RuleWithOperations, Attr: attr}
	if !rm.Matches() {
		return false
	}
	if len(r.ResourceNames) == 0 {
		return true
	}
	for _, n := range r.ResourceNames {
		if n == attr.GetName() {
			return true
		}
	}
	return false
}

type overrideVersion struct {
	admission.Attributes
	version string
}

func (a *overrideVersion) GetResource() schema.GroupVersionResource {
	r := a.Attributes.GetResource()
	r.Version = a.version
	return r
}

// attributes is the admission request a render stands for.
func (o *Object) attributes(mp *Mapper) admission.Attributes {
	mapping, _ := mp.Map(o.Group, o.Kind)
	op := admission.Operation(o.Operation)
	if op == "" {
		op = admission.Create
	}
	ns := o.Namespace
	if o.Group == "" && o.Kind == "Namespace" {
		// The API server sets a Namespace's own name as the namespace
		// of its request.
		ns = o.Name
	}
	gv := schema.GroupVersion{Group: o.Group, Version: o.Version}
	return admission.NewAttributesRecord(nil, nil, gv.WithKind(o.Kind), ns, o.Name,
		gv.WithResource(mapping.Resource), o.Subresource, op, nil, false, nil)
}

func allOperations(rs []admissionregistrationv1.NamedRuleWithOperations) []admissionregistrationv1.NamedRuleWithOperations {
	out := make([]admissionregistrationv1.NamedRuleWithOperations, len(rs))
	for i, r := range rs {
		out[i] = r
		if len(r.Operations) == 0 {
			out[i].Operations = []admissionregistrationv1.OperationType{admissionregistrationv1.OperationAll}
		}
	}
	return out
}

// ExemptFromPolicies reports whether the API server keeps a resource of the
// object's kind from the admission policies stored in the cluster
// (ValidatingAdmissionPolicy, MutatingAdmissionPolicy): their own kinds
// and bindings, so that a policy cannot lock itself in.
func (o *Object) ExemptFromPolicies() bool {
	if o.Group != "admissionregistration.k8s.io" {
		return false
	}
	switch o.Kind {
	case "ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding":
		return true
	}
	return false
}
