// Package transform is preadmit's engine: it reads a stream of rendered
// manifests, selects the Kyverno rules that match each resource, applies the
// mutate rules, validates the mutated resource, and returns the documents and
// the results as values.
//
// The mechanisms live in sub-packages, one idea each (match, policy and
// autogen, mutate/strategic, mutate/jsonpatch, validate/pattern,
// validate/podsecurity, stream, report); this package only composes them. It
// must not print, exit, or decide exit codes: the CLI does that from the
// results.
package transform
