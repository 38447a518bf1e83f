package transform_test

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/preadmit/preadmit/internal/benchstream"
	"github.com/preadmit/preadmit/pipeline"
	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

// foreachPolicy is a foreach/JMESPath validation on top of the library's
// mirror-images foreach mutation: per container, a context variable
// computed with functions, an element precondition and deny conditions.
const foreachPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: bench-foreach-jmespath
spec:
  validationFailureAction: Audit
  rules:
  - name: tags-and-names
    match:
      any:
      - resources:
          kinds:
          - Pod
    validate:
      message: "container {{ element.name }} must pin a tag"
      foreach:
      - list: "request.object.spec.containers"
        context:
        - name: tag
          variable:
            jmesPath: "split(element.image, ':') | [1] || 'latest'"
        preconditions:
          all:
          - key: "{{ to_lower(element.name) }}"
            operator: NotEquals
            value: "skip-*"
        deny:
          conditions:
            any:
            - key: "{{ tag }}"
              operator: AnyIn
              value: [latest, ""]
            - key: "{{ length(element.name) }}"
              operator: GreaterThan
              value: 63
`

// registryEngine is the embedded library with the mirror named, plus the
// foreach/JMESPath policy, rendered as "preadmit render" does (findingsOnly:
// without --report-file).
func registryEngine(tb testing.TB, findingsOnly bool) *transform.Engine {
	tb.Helper()
	set, err := pipeline.LoadPolicies(pipeline.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	extra, err := policy.LoadFS(fstest.MapFS{"bench-foreach.yaml": {Data: []byte(foreachPolicy)}}, ".", "bench")
	if err != nil {
		tb.Fatal(err)
	}
	eng, err := transform.New(transform.Options{
		Policies:  append(set.Policies, extra.Policies...),
		Mode:      transform.ModeAudit,
		Variables: map[string]interface{}{"preadmit.registry": "registry.local"},
		Compact:   true, FindingsOnly: findingsOnly,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return eng
}

// BenchmarkRenderRegistry is BenchmarkRender with the air-gapped rewrite
// on (mirror-images: a foreach over every container list with JMESPath
// functions, then restrict-image-registries) and a foreach/JMESPath
// validation. It is to stay within 2x of BenchmarkFloor, as the render is.
func BenchmarkRenderRegistry(b *testing.B) {
	benchRender(b, registryEngine(b, true))
}

// TestBenchRegistryStream keeps BenchmarkRenderRegistry honest: every pod
// template image of the stream ends up under the mirror, and the foreach
// validation runs without errors.
func TestBenchRegistryStream(t *testing.T) {
	in := benchstream.Stream(benchstream.Kinds() * 2)
	out, err := registryEngine(t, false).Render(in)
	if err != nil {
		t.Fatal(err)
	}
	b, err := out.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	images := 0
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), "image: "); ok {
			images++
			if !strings.HasPrefix(strings.Trim(v, `"`), "registry.local/") {
				t.Errorf("image %s is not under registry.local/", v)
			}
		}
	}
	if images == 0 {
		t.Fatal("the stream has no images: the benchmark would not measure the rewrite")
	}
	ran := 0
	for _, r := range out.Results {
		if r.Policy == "bench-foreach-jmespath" {
			ran++
			if r.Status == report.StatusError {
				t.Errorf("foreach policy error: %s", r.Message)
			}
		}
		if r.Policy == "mirror-images" && r.Status == report.StatusError {
			t.Errorf("mirror-images error: %s", r.Message)
		}
	}
	if ran == 0 {
		t.Error("the foreach/JMESPath policy never ran")
	}
}
