// Package authz checks authorization requests with ValidatingPolicies in
// Envoy and HTTP evaluation mode (spec.evaluation.mode Envoy or HTTP), as
// "kyverno test" does with its envoyPayloads and httpPayloads.
//
// Those policies are evaluated by kyverno-authz's engine, the one the
// Kyverno CLI and the Kyverno authorization servers run. Its CEL libraries
// bring Envoy's protobuf API and gRPC, which would make every preadmit
// start and download heavier for a mode no render uses, so the engine
// lives in a binary of its own, preadmit-authz (cmd/preadmit-authz,
// package authz/engine), found next to preadmit or on PATH as preadmit-helm
// is. Check runs it: a Request as JSON on its stdin, the Results as JSON
// on its stdout. This package holds that protocol and links nothing of the
// engine.
package authz
