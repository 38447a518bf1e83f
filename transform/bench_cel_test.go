package transform_test

import (
	"io"
	"os"
	"slices"
	"testing"
	"time"

	"github.com/preadmit/preadmit/internal/benchstream"
	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/policy"
)

// celTwinFiles are the classic library policies that have a CEL twin, and
// the twins, in the same order.
var (
	classicTwinFiles = []string{"../policies/mutate/add-default-resources/add-default-resources.yaml"}
	celTwinFiles     = []string{"../policies/cel/add-default-resources-cel/add-default-resources-cel.yaml"}
)

func fileEngine(tb testing.TB, files []string) *transform.Engine {
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
	eng, err := transform.New(transform.Options{Policies: set.Policies, Mode: transform.ModeAudit,
		Compact: true, FindingsOnly: true})
	if err != nil {
		tb.Fatal(err)
	}
	return eng
}

// BenchmarkRenderCELTwins renders the 10,000-document stream with the CEL
// twins alone, and reports x-classic: its time over the classic policies'
// alone, measured side by side (the median of five alternations), the
// figure the target (1.5x) is about.
func BenchmarkRenderCELTwins(b *testing.B) {
	in := benchstream.Stream(benchstream.Docs)
	twins, classic := fileEngine(b, celTwinFiles), fileEngine(b, classicTwinFiles)
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
	var ratios []float64
	for range 5 {
		c := render(classic)
		ratios = append(ratios, render(twins).Seconds()/c.Seconds())
	}
	slices.Sort(ratios)
	b.ReportMetric(ratios[len(ratios)/2], "x-classic")
}

// TestCELTwinsOnBenchStream keeps the twins' benchmark honest: on the
// benchmark's kinds the twins and the classic policies give the same bytes,
// and they mutate.
func TestCELTwinsOnBenchStream(t *testing.T) {
	in := benchstream.Stream(benchstream.Kinds() * 2)
	bytesOf := func(files []string) ([]byte, int) {
		out, err := fileEngine(t, files).Render(in)
		if err != nil {
			t.Fatal(err)
		}
		b, err := out.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		return b, out.Mutated
	}
	classic, cm := bytesOf(classicTwinFiles)
	twins, tm := bytesOf(celTwinFiles)
	if cm == 0 {
		t.Fatal("the classic policies mutate nothing on the stream")
	}
	if string(classic) != string(twins) || cm != tm {
		t.Errorf("twins differ from the classic policies on the benchmark stream (mutated %d vs %d)", tm, cm)
	}
}
