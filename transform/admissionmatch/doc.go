// Package admissionmatch decides whether an admission-style policy selects
// a resource, as the API server does for ValidatingAdmissionPolicy and its
// bindings and Kyverno does for its CEL policy kinds: matchConstraints or
// matchResources (resourceRules with apiGroups, apiVersions, resources,
// operations, resourceNames and scope; excludeResourceRules;
// namespaceSelector; objectSelector; matchPolicy).
//
// Rules name resources (deployments), documents name kinds (Deployment):
// Mapper maps one to the other with the REST mapping of the built-in
// Kubernetes types and of the CustomResourceDefinitions it is given.
//
// Rendering happens offline: the operation is CREATE unless the caller
// says otherwise, and a namespace whose labels are unknown has none. It
// reads resource identity only; matchConditions are CEL and evaluated by
// the caller with package cel.
package admissionmatch
