// Package cel is the CEL evaluator of the CEL policy kinds (Kyverno's
// ValidatingPolicy, MutatingPolicy and validate.cel, Kubernetes' admission
// policies): the API server's CEL environment
// (k8s.io/apiserver/pkg/cel/environment at the Kubernetes compatibility
// version, with its libraries: lists, regex, URLs, quantities, IP/CIDR,
// format, semver, sets, strings) and the admission bindings object,
// oldObject, request, namespaceObject, params and variables, with variables
// evaluated lazily as the API server does. Libraries says which libraries
// an expression has: the API server's alone for the kinds the API server
// evaluates and for validate.cel, and Kyverno's offline libraries too
// (github.com/kyverno/sdk: json, yaml, x509, hash, image references, ...)
// for Kyverno's own kinds, as Kyverno builds them.
//
// Each expression is compiled once; a compile or type error is an *Error
// naming the field path and the expression. Evaluation runs under the API
// server's cost limits (per expression and per policy) and a time limit, so
// a hostile expression ends with an error in bounded time.
//
// It must not interpret policies or decide verdicts: callers compile the
// expressions of a policy and read booleans and strings back. It does not
// reach the cluster or the network: a call to a Kyverno library that needs
// them (resource.Get, http.Get, ...) is a compile error that says so, or,
// with KyvernoClusterLibraries, reads what the caller puts in Input.Cluster
// in their place. time.now() reads Input.Now, the caller's clock.
package cel
