// Package policy reads Kyverno ClusterPolicy and Policy documents from files,
// directories and the embedded library into a model the engine compiles, and
// expands rules written for Pods into the auto-generated rules Kyverno creates
// for pod controllers (see autogen.go).
//
// It checks a policy against the schema of Kyverno's CRD for its kind and
// version (package schema), then its shape, and reports problems as *Error
// values naming the file, policy, rule and field. It must not evaluate
// rules against resources.
package policy
