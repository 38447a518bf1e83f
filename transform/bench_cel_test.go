package transform_test

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/preadmit/preadmit/internal/benchstream"
	"github.com/preadmit/preadmit/pipeline"
	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

// classicTwinFiles are the classic library policies that have a CEL twin
// under policies/cel, and celTwinFiles the twins, in the same order: the
// four mission policies (default requests and limits, securityContext
// defaults, the registry mirror, required labels) and the default labels.
var (
	classicTwinFiles = []string{
		"../policies/mutate/add-default-resources/add-default-resources.yaml",
		"../policies/mutate/add-default-securitycontext/add-default-securitycontext.yaml",
		"../policies/registry/mirror-images/mirror-images.yaml",
		"../policies/best-practices/require-labels/require-labels.yaml",
		"../policies/mutate/add-default-labels/add-default-labels.yaml",
	}
	celTwinFiles = []string{
		"../policies/cel/add-default-resources-cel/add-default-resources-cel.yaml",
		"../policies/cel/add-default-securitycontext-cel/add-default-securitycontext-cel.yaml",
		"../policies/cel/mirror-images-cel/mirror-images-cel.yaml",
		"../policies/cel/require-labels-cel/require-labels-cel.yaml",
		"../policies/cel/add-default-labels-cel/add-default-labels-cel.yaml",
	}
	// twinMirror is mirror-images-cel's own mirror (its variable
	// mirrorRegistry), which the classic mirror-images reads from
	// preadmit.registry: the classic without a mirror does nothing.
	twinMirror = map[string]interface{}{"preadmit.registry": "mirror.corp.example"}
)

func fileEngine(tb testing.TB, files []string, findingsOnly bool) *transform.Engine {
	tb.Helper()
	for _, f := range files {
		if _, err := os.Stat(f); err != nil {
			tb.Fatal(err)
		}
	}
	set, err := policy.LoadPaths(files)
	if err != nil {
		tb.Fatal(err)
	}
	return twinEngine(tb, set.Policies, findingsOnly)
}

// twinEngine renders with policies as the twins' benchmark does: audit,
// the twins' mirror, the stream held compact.
func twinEngine(tb testing.TB, policies []*policy.Policy, findingsOnly bool) *transform.Engine {
	tb.Helper()
	eng, err := transform.New(transform.Options{Policies: policies, Mode: transform.ModeAudit,
		Variables: twinMirror, Compact: true, FindingsOnly: findingsOnly})
	if err != nil {
		tb.Fatal(err)
	}
	return eng
}

// BenchmarkRenderCELTwins renders the 10,000-document stream with the CEL
// twins alone, as BenchmarkRender renders it with the library (the same
// soft memory limit), and reports three ratios, each the median of three
// renders of both timed in turn:
//
//   - x-library: its time over the whole classic library's (the
//     embedded library given the twins' mirror, so that it mirrors images
//     too): the figure the target (1.5x) is about, "the CEL twins within
//     1.5x of the classic library's time";
//   - x-classic: its time over the five classic policies' alone, policy
//     for policy the same work;
//   - x-flavour: the library with the twins in place of their classic
//     policies (--enable the twins, --disable the classics: the policy
//     chart's flavour cel) over the classic library.
func BenchmarkRenderCELTwins(b *testing.B) {
	in := benchstream.Stream(benchstream.Docs)
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(pipeline.MemoryLimit(len(in))))
	twins := fileEngine(b, celTwinFiles, true)
	render := func(eng *transform.Engine) time.Duration {
		start := time.Now()
		out, err := eng.Render(in)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := out.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		render(twins)
	}
	b.StopTimer()
	if b.N < 2 {
		return
	}
	library := embeddedEngine(b, twinMirror)
	for _, c := range []struct {
		metric      string
		this, other *transform.Engine
	}{
		{"x-library", twins, library},
		{"x-classic", twins, fileEngine(b, classicTwinFiles, true)},
		{"x-flavour", celFlavourEngine(b), library},
	} {
		var ratios []float64
		for range 3 {
			o := render(c.other)
			ratios = append(ratios, render(c.this).Seconds()/o.Seconds())
		}
		slices.Sort(ratios)
		b.ReportMetric(ratios[len(ratios)/2], c.metric)
	}
}

// celFlavourEngine is the embedded library with the CEL twins enabled and
// the classic policies they copy disabled, given the twins' mirror.
func celFlavourEngine(tb testing.TB) *transform.Engine {
	tb.Helper()
	var opts pipeline.Options
	for _, f := range celTwinFiles {
		opts.Enable = append(opts.Enable, strings.TrimSuffix(filepath.Base(f), ".yaml"))
	}
	for _, f := range classicTwinFiles {
		opts.Disable = append(opts.Disable, strings.TrimSuffix(filepath.Base(f), ".yaml"))
	}
	set, err := pipeline.LoadPolicies(opts)
	if err != nil {
		tb.Fatal(err)
	}
	return twinEngine(tb, set.Policies, true)
}

// TestCELTwinsOnBenchStream keeps the twins' benchmark honest: on the
// benchmark's kinds the twins and the classic policies give the same bytes
// (but for the quotes of the managed-by value add-default-labels writes
// from its "{{ ... }}" template, which a CEL value does not have), and each twin
// mutates or fails the same documents as its classic, which must be some.
func TestCELTwinsOnBenchStream(t *testing.T) {
	in := benchstream.Stream(benchstream.Kinds() * 2)
	render := func(files []string) (string, map[string][]int) {
		out, err := fileEngine(t, files, false).Render(in)
		if err != nil {
			t.Fatal(err)
		}
		b, err := out.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		verdicts := map[string][]int{}
		for _, r := range out.Results {
			if r.Status == report.StatusError {
				t.Errorf("%s: doc %d: %s", r.Policy, r.Resource.Index, r.Message)
			}
			name := strings.TrimSuffix(r.Policy, "-cel")
			keys := []string{name + " selected"}
			if r.Status == report.StatusFail {
				keys = append(keys, name+" failed")
			}
			if r.Status == report.StatusPass && r.Message == "mutated" {
				keys = append(keys, name+" mutated")
			}
			for _, k := range keys {
				if !slices.Contains(verdicts[k], r.Resource.Index) {
					verdicts[k] = append(verdicts[k], r.Resource.Index)
				}
			}
		}
		return string(b), verdicts
	}
	classic, cv := render(classicTwinFiles)
	twins, tv := render(celTwinFiles)
	for _, f := range classicTwinFiles {
		name := strings.TrimSuffix(filepath.Base(f), ".yaml")
		if len(cv[name+" selected"]) == 0 || !strings.Contains(f, "/best-practices/") && len(cv[name+" mutated"]) == 0 {
			t.Errorf("%s does not run (or does not mutate) on the stream", name)
		}
	}
	if !reflect.DeepEqual(cv, tv) {
		t.Errorf("the twins' verdicts differ from the classic policies':\nclassic %v\ntwins   %v", cv, tv)
	}
	if strings.ReplaceAll(classic, `managed-by: "preadmit"`, "managed-by: preadmit") != twins {
		t.Error("the twins' output differs from the classic policies' on the benchmark stream")
	}
}
