// Package report holds the results of a render as plain values and writes
// them in the formats people and tools read: one file per format behind the
// Writer interface, in the shape of kubeconform's pkg/output. It decides
// nothing about exit codes, and it never reads or changes the manifests; the
// CLI decides what a result means for the render.
//
// A Result is the outcome of one rule on one resource. Writers take results
// one at a time with Write and emit the whole report on Flush, sorted by
// document index, List item, policy and rule (Sort), so that the output does
// not depend on the order the engine worked in:
//
//	w, err := report.New(report.FormatSARIF, os.Stdout, report.Options{ToolVersion: version})
//	for _, r := range results {
//		_ = w.Write(r)
//	}
//	err = w.Flush()
//
// The formats (ParseFormat accepts their names):
//
//   - lines: one line per failure, warning or error, for stderr, where Helm
//     shows a post-renderer's output verbatim; Options.Summary appends the
//     one-line Summary ("preadmit: 12 resources, 3 mutated, ...").
//   - table: per-namespace counts like `kubectl get polr`, then each finding
//     with its remediation indented.
//   - json: one document with a summary object; the schema is stable and
//     documented in docs/report-json.md and docs/schema/report.schema.json.
//   - policyreport: wgpolicyk8s.io/v1alpha2 PolicyReport per namespace and a
//     ClusterPolicyReport for cluster-scoped resources, as a YAML stream in
//     the shape Kyverno writes in-cluster, with source "preadmit" by default.
//   - sarif: SARIF 2.1.0 for code scanning; the "# Source:" template is the
//     artifact location.
//   - junit: JUnit XML, a test suite per policy and a test case per rule and
//     resource.
//
// A result of a CEL policy carries, beside its message and the policy's fix
// (Remediation), the expression that failed with its field path
// (Expression), that validation's index and the admission policy binding
// it ran under; every format writes them (see docs/cel.md).
//
// Every time stamp comes from Options.Now and the tool version from
// Options.ToolVersion, so tests pin both and the output is byte-for-byte
// reproducible.
package report
