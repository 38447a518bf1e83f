package transform_test

import (
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/preadmit/preadmit/policies"
	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

// streamInputPolicy reads what each stream gives its own render: a
// ConfigMap (a configMap context entry) and a Namespace's labels (a
// namespaceSelector).
const streamInputPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: stream-inputs
spec:
  validationFailureAction: Audit
  rules:
    - name: tier-from-configmap
      match:
        any:
          - resources:
              kinds: [Deployment]
              namespaceSelector:
                matchLabels: {team: shop}
      context:
        - name: settings
          configMap:
            name: settings
            namespace: "{{ request.namespace }}"
      validate:
        message: "tier must be {{ settings.data.tier }}"
        pattern:
          metadata:
            labels:
              tier: "{{ settings.data.tier }}"
`

// streamWith is a Deployment in namespace shop, with the stream inputs the
// render reads from the stream itself: the namespace's labels, a ConfigMap
// and, when exempt, a PolicyException for the library's labels policy.
func streamWith(team, tier string, exempt bool) []byte {
	s := fmt.Sprintf(`apiVersion: v1
kind: Namespace
metadata:
  name: shop
  labels: {team: %s}
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: shop
data:
  tier: %s
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
  labels: {tier: gold}
spec:
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      hostIPC: true
      containers:
        - name: web
          image: nginx:latest
`, team, tier)
	if exempt {
		s += `---
apiVersion: kyverno.io/v2
kind: PolicyException
metadata:
  name: web-exception
  namespace: shop
spec:
  exceptions:
    - policyName: disallow-host-namespaces
      ruleNames: [host-namespaces, autogen-host-namespaces]
    - policyName: disallow-latest-tag
      ruleNames: [require-image-tag, autogen-require-image-tag, validate-image-tag, autogen-validate-image-tag]
  match:
    any:
      - resources:
          kinds: [Deployment]
          namespaces: [shop]
`
	}
	return []byte(s)
}

// TestConcurrentRenders renders different streams on one compiled set from
// many goroutines at once: each output, results and totals must be those
// of the same stream rendered alone. The streams differ in what a render
// takes from its own stream (PolicyExceptions, ConfigMaps, Namespace
// labels), which must not leak from one render into another. Run with
// -race, it also shows that a render writes nothing the compiled set
// shares.
func TestConcurrentRenders(t *testing.T) {
	extra, err := policy.LoadPaths([]string{writeFile(t, "stream-inputs.yaml", streamInputPolicy)})
	if err != nil {
		t.Fatal(err)
	}
	streams := [][]byte{
		streamWith("shop", "gold", false), streamWith("shop", "silver", true),
		streamWith("other", "gold", true), streamWith("shop", "gold", true),
	}
	inputs, err := filepath.Glob("testdata/render/*/input.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for _, in := range inputs {
		b, err := os.ReadFile(in)
		if err != nil {
			t.Fatal(err)
		}
		streams = append(streams, b)
	}
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		// lazy loads the library pre-parsed, its rules compiled as
		// kinds come, concurrently; else from its files, compiled up
		// front.
		lazy, compact bool
	}{{false, false}, {true, false}, {true, true}} {
		t.Run(fmt.Sprintf("lazy=%v,compact=%v", c.lazy, c.compact), func(t *testing.T) {
			load := policies.Library
			if !c.lazy {
				load = func(policy.Keep) (*policy.Set, error) { return policy.LoadFS(policies.FS, ".", "embedded:policies") }
			}
			lib, err := load(nil)
			if err != nil {
				t.Fatal(err)
			}
			opts := transform.Options{
				Policies: append(lib.Policies, extra.Policies...), Mode: transform.ModeAudit,
				Now: func() time.Time { return now }, Compact: c.compact, Workers: 1,
			}
			alone, err := transform.New(opts)
			if err != nil {
				t.Fatal(err)
			}
			want := make([]rendered, len(streams))
			for i, s := range streams {
				want[i] = renderOnce(alone, s)
			}
			// A fresh engine for the concurrent renders: its first
			// renders compile the library's rules at once.
			eng, err := transform.New(opts)
			if err != nil {
				t.Fatal(err)
			}
			if reflect.DeepEqual(want[0].results, want[1].results) || reflect.DeepEqual(want[0].results, want[2].results) {
				t.Fatal("streams with different stream inputs gave the same results: the test shows nothing")
			}
			const goroutines = 8
			var wg sync.WaitGroup
			errs := make(chan string, goroutines*len(streams))
			for g := range goroutines {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for k := range streams {
						i := (k + g) % len(streams) // each goroutine in its own order
						if got := renderOnce(eng, streams[i]); !reflect.DeepEqual(got, want[i]) {
							errs <- fmt.Sprintf("stream %d: concurrent render differs from the render alone:\n%+v\nwant\n%+v", i, got, want[i])
						}
					}
				}()
			}
			wg.Wait()
			close(errs)
			for e := range errs {
				t.Error(e)
			}
		})
	}
}

// rendered is what a render gives, compared as a whole.
type rendered struct {
	out     string
	results []string
	totals  report.Totals
	err     string
}

func renderOnce(eng *transform.Engine, in []byte) rendered {
	out, err := eng.Render(in)
	if err != nil {
		return rendered{err: err.Error()}
	}
	b, err := out.Bytes()
	if err != nil {
		return rendered{err: err.Error()}
	}
	report.Sort(out.Results)
	r := rendered{out: string(b), totals: out.Totals}
	for _, res := range out.Results {
		r.results = append(r.results, report.Line(res))
	}
	return r
}

func writeFile(t *testing.T, name, text string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}
