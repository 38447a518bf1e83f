package krm

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Items are a ResourceList's items sorted into what the function consumes
// and what it renders.
type Items struct {
	// Resources are rendered and emitted, in their input order.
	Resources []*yaml.RNode
	// Policies are Kyverno ClusterPolicy and Policy items; they are
	// consumed, not emitted.
	Policies []*yaml.RNode
	// Exceptions are Kyverno PolicyException items, consumed as well.
	Exceptions []*yaml.RNode
	// OtherPolicies are the CEL policies and Kubernetes admission policies
	// (with their bindings): handed to the loader, which applies the kinds
	// it can and refuses the others unless disabled by name, so that none
	// is skipped without a word.
	OtherPolicies []*yaml.RNode
}

// SplitItems separates the Kyverno policies and PolicyExceptions that came
// as items (kustomize resources, kpt package files) from the resources.
func SplitItems(items []*yaml.RNode) Items {
	var out Items
	for _, it := range items {
		switch kyvernoKind(it) {
		case "ClusterPolicy", "Policy":
			out.Policies = append(out.Policies, it)
		case "PolicyException":
			out.Exceptions = append(out.Exceptions, it)
		case "ValidatingPolicy", "NamespacedValidatingPolicy", "MutatingPolicy", "NamespacedMutatingPolicy",
			"ImageValidatingPolicy", "NamespacedImageValidatingPolicy",
			"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding",
			"MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding":
			out.OtherPolicies = append(out.OtherPolicies, it)
		default:
			out.Resources = append(out.Resources, it)
		}
	}
	return out
}

// kyvernoKind is the kind of a Kyverno document, or "".
func kyvernoKind(n *yaml.RNode) string {
	av := n.GetApiVersion()
	if !strings.HasPrefix(av, "kyverno.io/") && !strings.HasPrefix(av, "policies.kyverno.io/") &&
		!strings.HasPrefix(av, "admissionregistration.k8s.io/") {
		return ""
	}
	return n.GetKind()
}
