package policy

import (
	"strings"

	"github.com/preadmit/preadmit/transform/yamlnode"
)

// Support says what preadmit does with a policy document of a kind other
// than ClusterPolicy and Policy.
type Support int

// The kinds of support. Nothing handed in as a policy is ignored without a
// word: a kind is applied, named as not applied, or refused.
const (
	// SupportOther is a document that is not a policy (a PolicyException,
	// a report), read by the packages that want it.
	SupportOther Support = iota
	// SupportNotApplied is a policy with no render-time meaning (it
	// generates, deletes or cleans up objects in the cluster): named in
	// the report as not applied.
	SupportNotApplied
	// SupportRefused is a policy that would decide on the render but that
	// preadmit cannot apply: a policy error unless the user disables it.
	SupportRefused
)

// kindSupport maps API group and kind to what preadmit does with them.
var kindSupport = map[string]map[string]struct {
	support Support
	reason  string
}{
	"kyverno.io": {
		"CleanupPolicy":        {SupportNotApplied, "deletes objects in the cluster on a schedule; no render-time meaning"},
		"ClusterCleanupPolicy": {SupportNotApplied, "deletes objects in the cluster on a schedule; no render-time meaning"},
	},
	"policies.kyverno.io": {
		"GeneratingPolicy":                {SupportNotApplied, "creates objects in the cluster; no render-time meaning"},
		"NamespacedGeneratingPolicy":      {SupportNotApplied, "creates objects in the cluster; no render-time meaning"},
		"DeletingPolicy":                  {SupportNotApplied, "deletes objects in the cluster on a schedule; no render-time meaning"},
		"NamespacedDeletingPolicy":        {SupportNotApplied, "deletes objects in the cluster on a schedule; no render-time meaning"},
		"ImageValidatingPolicy":           {SupportRefused, "image verification needs registry access and is not applied at render time"},
		"NamespacedImageValidatingPolicy": {SupportRefused, "image verification needs registry access and is not applied at render time"},
	},
}

// Kind is what preadmit does with a non-ClusterPolicy document found among
// policies, and why. For a binding of an admission policy, name is the
// policy's (spec.policyName).
func (d *Document) Kind() (kind, name string, support Support, reason string) {
	root := d.Node.YNode()
	apiVersion := yamlnode.Scalar(yamlnode.Field(root, "apiVersion"))
	kind = yamlnode.Scalar(yamlnode.Field(root, "kind"))
	name = yamlnode.Scalar(yamlnode.Field(yamlnode.Field(root, "metadata"), "name"))
	if strings.HasSuffix(kind, "Binding") {
		// A binding goes with its policy: --disable names the policy.
		if p := yamlnode.Scalar(yamlnode.Field(yamlnode.Field(root, "spec"), "policyName")); p != "" {
			name = p
		}
	}
	s, ok := kindSupport[apiGroup(apiVersion)][kind]
	if !ok {
		return kind, name, SupportOther, ""
	}
	return kind, name, s.support, s.reason
}

// isAdmissionPolicy reports whether a document is one of Kubernetes' own
// admission policies or bindings, which the loader keeps beside Kyverno's.
func isAdmissionPolicy(apiVersion, kind string) bool {
	return admissionKinds[kind] != "" && apiGroup(apiVersion) == "admissionregistration.k8s.io"
}
