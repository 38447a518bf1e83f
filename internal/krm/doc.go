// Package krm is "preadmit fn", the KRM function for kustomize and kpt: it
// reads the function's configuration (the fn.preadmit.io/v1alpha1 Preadmit
// kind, or a ConfigMap with the same keys) into typed pipeline.Options,
// separates the Kyverno policies and PolicyExceptions that arrive as
// ResourceList items from the resources to render, runs the pipeline's
// engine over the items (Function, a framework.ResourceListProcessor), and
// turns the engine's report.Result values into kyaml framework.Results
// (severity, resourceRef, field path, file).
//
// It is an adapter over package pipeline: it must not load policies or
// decide exit codes itself, and nothing but cmd/preadmit may import it
// (the public postrender package must not link it).
package krm
