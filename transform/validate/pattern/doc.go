// Package pattern matches Kubernetes resources against Kyverno
// validate.pattern and validate.anyPattern overlays, on *yaml.RNode.
//
// Compile parses a pattern once: anchors in keys — conditional "(key)",
// equality "=(key)", negation "X(key)", existence "^(key)", global "<(key)"
// — and scalar value patterns with wildcards ("*", "?"), "|" and "&",
// "!", ">", "<", ">=", "<=", ranges "a-b" and "a!-b", Kubernetes quantities
// and durations. (*Pattern).Match then walks the resource along the
// pattern's shape and returns a Result: Pass, Fail with the failing field's
// path and an expected-versus-actual message, or Skip when a conditional or
// global anchor does not apply. Kyverno's documented behaviour and its
// engine (pkg/engine/validate, pkg/engine/pattern) are the spec; known
// differences are listed in docs/deviations/validate-pattern.md.
//
// The scalar comparison is exported on its own as Value (ParseValue,
// CompileValue, MatchValue) for preconditions and other callers that
// compare one value.
//
// The package never modifies a resource, never converts it to
// map[string]interface{}, and does no parsing per Match: compile a pattern
// once and match it against many documents, concurrently if needed. It does
// not substitute variables ("{{ ... }}"); callers resolve them before
// compiling.
package pattern
