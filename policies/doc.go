// Package policies is preadmit's built-in policy library, embedded in the
// binary as FS.
//
// Every policy is plain Kyverno YAML (kyverno.io/v1 ClusterPolicy) that runs
// unchanged in a cluster, kept at <group>/<name>/<name>.yaml next to a
// kyverno-test.yaml (cli.kyverno.io/v1alpha1 Test) and the resources it
// tests, so the same files are checked by `kyverno test` and by preadmit's
// own tests. Rules are written for kind Pod and reach workload controllers
// through Kyverno's auto-generation. Settings such as a registry mirror are
// read from variables under `preadmit.` with defaults that leave the policy
// inert, and each policy carries a preadmit.io/remediation annotation with
// the fix a runbook would show. See README.md for the catalogue.
//
// The library is also embedded pre-parsed (library.bin, written by go
// generate from the files): Library loads it through transform/policy
// without parsing YAML at every start, and its tests fail when library.bin
// is stale or loads differently from the files.
//
// This package holds data and the tests that keep it honest; it must not
// parse or apply policies itself (that is transform/policy's job).
package policies
