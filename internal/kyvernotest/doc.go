// Package kyvernotest runs Kyverno CLI test files (kyverno-test.yaml: the
// cli.kyverno.io/v1alpha1 Test kind and the older un-typed form, one test
// per YAML document) with preadmit's engine, on their resources and JSON
// payloads (jsonPayloads, for ValidatingPolicies in JSON evaluation mode:
// transform.Engine.CheckPayloads), and compares the expected results with
// the actual ones, as "kyverno test" does: policy, rule (autogen rules
// included), resources, kind, result, operation, patchedResources, and
// lists the rows as "kyverno test" does. Values files (globalValues,
// per-resource and per-rule values, foreachValues, namespaceSelector,
// namespaces, subresources), context files, userinfo files (request info)
// and the test's globalContextEntries and apiCallResponses mocks feed the
// engine through transform.Options; resources are loaded as the CLI loads
// them (namespace "default", request.object values set in the resource).
// ValidatingPolicies in Envoy or HTTP evaluation mode are checked on the
// test's envoyPayloads and httpPayloads by preadmit-authz (package authz).
//
// It reports what it cannot check rather than passing it: generate rules
// (out of scope at render time) are reported as skipped, assertion checks
// and the kinds it does not run (DeletingPolicy, ImageValidatingPolicy,
// ...) as unsupported, and so are Envoy and HTTP results when
// preadmit-authz is not installed. It must not contain policy logic: every
// result comes from transform.Engine or kyverno-authz's engine. Problems
// with a test file (unreadable, invalid YAML, unknown fields, a policy that
// does not load) are *FileError values.
//
// Command is "preadmit test": tests that do not pass come back as a
// *pipeline.FailedError, which pipeline.ExitCode makes exit 1; it decides
// no exit code itself. The package is linked by cmd/preadmit only, never
// by the public postrender package.
package kyvernotest
