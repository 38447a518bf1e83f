// Package schema checks Kyverno documents (ClusterPolicy, Policy,
// PolicyException and the other kinds of Kyverno's API groups) against the
// OpenAPI v3 schemas of Kyverno's own CRDs, strictly, as the API server does
// when kubectl applies them with strict field validation: an unknown field
// or a value of the wrong type is an error that names the field path and,
// for a typo, the nearest valid field name.
//
// The schemas are generated from the CRDs of the Kyverno release preadmit
// follows (go generate; hack/gencrdschema) and embedded in a compact form;
// a kind's schema is decoded the first time a document of that kind is
// checked. Unknown fields are found by the API server's own structural
// pruning (k8s.io/apiextensions-apiserver) and values are checked by the
// OpenAPI validator it runs (k8s.io/kube-openapi); the CEL rules of a CRD
// (x-kubernetes-validations) are not evaluated.
//
// It must not interpret a policy: it says whether a document has the shape
// its CRD allows, nothing about what the policy means.
package schema

//go:generate go run ../../hack/gencrdschema crds
