// Package krm is the KRM-function side of preadmit: it reads the function's
// configuration (the fn.preadmit.io/v1alpha1 Preadmit kind, or a ConfigMap
// with the same keys), separates the Kyverno policies and PolicyExceptions
// that arrive as ResourceList items from the resources to render, and turns
// the engine's report.Result values into kyaml framework.Results (severity,
// resourceRef, field path, file).
//
// It knows the KRM Functions Specification and the shape of the
// configuration, nothing else: it must not load policies from disk, run the
// engine, print, or choose exit codes — internal/app does that with what this
// package returns.
package krm
