package schema

import (
	"testing"
)

// BenchmarkCompile is the one-time cost of the ClusterPolicy schema in a
// process that checks a ClusterPolicy (schema.Prepare overlaps it with the
// library's load).
func BenchmarkCompile(b *testing.B) {
	raw, err := crds.ReadFile("crds/kyverno.io_v1_ClusterPolicy.json")
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := compile(raw); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkValidate is the cost of checking one small ClusterPolicy.
func BenchmarkValidate(b *testing.B) {
	doc := []byte(`{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"p","annotations":{"a":"b"}},"spec":{"validationFailureAction":"Enforce","rules":[{"name":"r","match":{"any":[{"resources":{"kinds":["Pod"]}}]},"validate":{"message":"m","pattern":{"spec":{"containers":[{"image":"!*:latest"}]}}}}]}}`)
	if _, err := Validate("kyverno.io/v1", "ClusterPolicy", doc); err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if _, err := Validate("kyverno.io/v1", "ClusterPolicy", doc); err != nil {
			b.Fatal(err)
		}
	}
}
