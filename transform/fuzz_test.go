package transform_test

import (
	"errors"
	"testing"
	"testing/fstest"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/stream"
)

// FuzzRender feeds arbitrary streams through the whole embedded library: a
// render either fails with an *stream.InputError or keeps every document,
// writes a stream that reads back, and is idempotent.
func FuzzRender(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: a\n    image: nginx\n"))
	f.Add([]byte("apiVersion: v1\nkind: List\nitems:\n- apiVersion: apps/v1\n  kind: Deployment\n  metadata: {name: d}\n  spec: {template: {spec: {containers: [{name: x, image: 'busybox:latest'}]}}}\n"))
	f.Add([]byte("a: &a [1]\nb: *a\n---\n# c\n---\n- x\n"))
	f.Add([]byte("apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec: {jobTemplate: {spec: {template: {spec: {initContainers: [{name: i}], containers: null}}}}}\n"))
	eng := embeddedEngine(f, nil)
	f.Fuzz(func(t *testing.T, in []byte) {
		out, err := eng.Render(in)
		if err != nil {
			var ie *stream.InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error is not an input error: %T %v", err, err)
			}
			return
		}
		b, err := out.Bytes()
		if err != nil {
			t.Fatalf("writing the output: %v", err)
		}
		docs, err := stream.Read(b, stream.DefaultLimits)
		if err != nil {
			t.Fatalf("output does not read back: %v\n%s", err, b)
		}
		if len(docs) != len(out.Docs) {
			t.Fatalf("%d documents in, %d out", len(out.Docs), len(docs))
		}
		again, err := eng.Render(b)
		if err != nil {
			t.Fatalf("second render: %v", err)
		}
		b2, err := again.Bytes()
		if err != nil || string(b2) != string(b) {
			t.Fatalf("render is not idempotent:\n--- once\n%s\n--- twice\n%s", b, b2)
		}
	})
}

// FuzzPolicy loads arbitrary bytes as a policy file and compiles what
// loads: every problem is a policy error, never a panic, and a policy that
// compiles renders a small stream.
func FuzzPolicy(f *testing.F) {
	f.Add([]byte(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: p}
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      pattern: {spec: {containers: [{image: "!*:latest"}]}}
`))
	f.Add([]byte(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: m}
spec:
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    mutate:
      foreach:
      - list: request.object.spec.containers
        patchStrategicMerge: {spec: {containers: [{name: "{{ element.name }}", +(imagePullPolicy): Always}]}}
`))
	f.Add([]byte(`apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata: {name: d}
spec:
  validationFailureAction: Enforce
  rules:
  - name: r
    match: {any: [{resources: {kinds: [Pod]}}]}
    preconditions: {all: [{key: "{{ request.operation }}", operator: AnyIn, value: [CREATE]}]}
    validate:
      deny: {conditions: {any: [{key: "{{ request.object.spec.hostNetwork || false }}", operator: Equals, value: true}]}}
`))
	in := []byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: true\n  containers:\n  - name: a\n    image: nginx:latest\n")
	f.Fuzz(func(t *testing.T, doc []byte) {
		set, err := policy.LoadFS(fstest.MapFS{"p.yaml": {Data: doc}}, ".", "fuzz")
		if err != nil {
			if !policy.IsPolicyError(err) {
				t.Fatalf("load error is not a policy error: %T %v", err, err)
			}
			return
		}
		eng, err := transform.New(transform.Options{Policies: set.Policies})
		if err != nil {
			if !policy.IsPolicyError(err) {
				t.Fatalf("compile error is not a policy error: %T %v", err, err)
			}
			return
		}
		if _, err := eng.Render(in); err != nil {
			t.Fatalf("render: %v", err)
		}
	})
}
