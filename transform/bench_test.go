package transform_test

import (
	"bytes"
	"errors"
	"io"
	"math"
	"reflect"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"slices"
	"strings"
	"testing"
	"time"

	yamlv3 "go.yaml.in/yaml/v3"

	"github.com/preadmit/preadmit/internal/benchstream"
	"github.com/preadmit/preadmit/pipeline"
	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/report"
	"github.com/preadmit/preadmit/transform/stream"
)

func embeddedEngine(tb testing.TB, vars map[string]interface{}) *transform.Engine {
	tb.Helper()
	// The policies a render with no flags runs: the embedded library with
	// the default profile (opt-in policies left out), rendered as
	// "preadmit render" does without --diff and --report-file.
	set, err := pipeline.LoadPolicies(pipeline.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	eng, err := transform.New(transform.Options{Policies: set.Policies, Mode: transform.ModeAudit, Variables: vars,
		Compact: true, FindingsOnly: true})
	if err != nil {
		tb.Fatal(err)
	}
	return eng
}

// BenchmarkRender renders the 10,000-document stream with the whole
// embedded library: read, match, mutate, validate, write. Besides time and
// allocation it reports peak-MB, the most memory the Go runtime held during
// one more render (see peakMemory), base-MB, what it held before,
// input-MB, and x-floor, its time over the floor's (floorRatio).
func BenchmarkRender(b *testing.B) {
	benchRender(b, embeddedEngine(b, nil))
}

func benchRender(b *testing.B, eng *transform.Engine) {
	in := benchstream.Stream(benchstream.Docs)
	render := func() {
		out, err := eng.Render(in)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := out.WriteTo(io.Discard); err != nil {
			b.Fatal(err)
		}
	}
	// As the preadmit process does (pipeline.BoundMemory): the Go runtime's
	// soft memory limit at the budget for this stream.
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(pipeline.MemoryLimit(len(in))))
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		render()
	}
	b.StopTimer()
	if b.N < 2 {
		return // the framework's first, probing run
	}
	peak, base := peakMemory(render)
	b.ReportMetric(float64(peak)/1e6, "peak-MB")
	b.ReportMetric(float64(base)/1e6, "base-MB")
	b.ReportMetric(float64(len(in))/1e6, "input-MB")
	b.ReportMetric(floorRatio(b, in, render), "x-floor")
}

// floorRatio runs the floor and fn in turn and returns the median of fn's
// time over the floor's: ratios taken side by side, which the drift of a
// shared machine between one benchmark and the next does not move. The
// floor runs with the runtime's default settings, as BenchmarkFloor does.
func floorRatio(b *testing.B, in []byte, fn func()) float64 {
	var ratios []float64
	for range 5 {
		limit := debug.SetMemoryLimit(math.MaxInt64)
		start := time.Now()
		if err := floor(in, true); err != nil {
			b.Fatal(err)
		}
		f := time.Since(start)
		debug.SetMemoryLimit(limit)
		start = time.Now()
		fn()
		ratios = append(ratios, time.Since(start).Seconds()/f.Seconds())
	}
	slices.Sort(ratios)
	return ratios[len(ratios)/2]
}

// peakMemory runs fn from a collected heap and returns the most memory
// the Go runtime held meanwhile, sampled every half millisecond: every
// class of runtime memory (heap objects, free and unswept spans, stacks,
// GC metadata) but what was returned to the system. That is the memory a
// render costs on top of the code pages of the binary; the benchmark's
// own stream is included.
func peakMemory(fn func()) (peak, base uint64) {
	runtime.GC()
	debug.FreeOSMemory()
	samples := []metrics.Sample{{Name: "/memory/classes/total:bytes"}, {Name: "/memory/classes/heap/released:bytes"}}
	read := func() uint64 {
		metrics.Read(samples)
		return samples[0].Value.Uint64() - samples[1].Value.Uint64()
	}
	base = read()
	peak = base
	done := make(chan struct{})
	sampled := make(chan uint64)
	go func() {
		p := peak
		t := time.NewTicker(500 * time.Microsecond)
		defer t.Stop()
		for {
			select {
			case <-done:
				sampled <- max(p, read())
				return
			case <-t.C:
				p = max(p, read())
			}
		}
	}()
	fn()
	close(done)
	return <-sampled, base
}

// BenchmarkFloor is the floor the render is measured against: a bare go-yaml
// v3 yaml.Node decode and encode of every document of the same stream, one
// fresh encoder per document.
func BenchmarkFloor(b *testing.B) {
	in := benchstream.Stream(benchstream.Docs)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := floor(in, true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloorDecode is the decode half of the floor.
func BenchmarkFloorDecode(b *testing.B) {
	in := benchstream.Stream(benchstream.Docs)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := floor(in, false); err != nil {
			b.Fatal(err)
		}
	}
}

func floor(in []byte, encode bool) error {
	dec := yamlv3.NewDecoder(bytes.NewReader(in))
	var out bytes.Buffer
	for {
		var n yamlv3.Node
		if err := dec.Decode(&n); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if !encode {
			continue
		}
		out.WriteString("---\n")
		enc := yamlv3.NewEncoder(&out)
		if err := enc.Encode(&n); err != nil {
			return err
		}
		if err := enc.Close(); err != nil {
			return err
		}
	}
}

// TestBenchStream keeps the benchmark honest: the generated stream renders
// without error, every document comes back, and the mutations apply.
func TestBenchStream(t *testing.T) {
	in := benchstream.Stream(benchstream.Kinds() * 2)
	out, err := embeddedEngine(t, nil).Render(in)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(out.Docs), benchstream.Kinds()*2; got != want {
		t.Fatalf("%d documents, want %d", got, want)
	}
	if out.Mutated == 0 {
		t.Fatal("no document mutated: the benchmark would not measure mutation")
	}
	b, err := out.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := stream.Read(b, stream.DefaultLimits)
	if err != nil || len(docs) != benchstream.Kinds()*2 {
		t.Fatalf("output does not read back: %v", err)
	}
	if !strings.Contains(string(b), "runAsNonRoot: true") {
		t.Error("securityContext defaults missing from the output")
	}
}

// TestParallelRenderIsDeterministic renders a stream of many documents on
// several workers and on one: the bytes and the results are the same, and
// under -race (make test) the engine's shared state is checked.
func TestParallelRenderIsDeterministic(t *testing.T) {
	in := benchstream.Stream(benchstream.Kinds() * 40)
	set, err := pipeline.LoadPolicies(pipeline.Options{Enable: []string{"podsecurity-restricted"}})
	if err != nil {
		t.Fatal(err)
	}
	render := func(workers int) (string, []report.Result) {
		eng, err := transform.New(transform.Options{Policies: set.Policies, Mode: transform.ModeAudit, Workers: workers,
			Variables: map[string]interface{}{"preadmit.registry": "registry.local"}})
		if err != nil {
			t.Fatal(err)
		}
		out, err := eng.Render(in)
		if err != nil {
			t.Fatal(err)
		}
		b, err := out.Bytes()
		if err != nil {
			t.Fatal(err)
		}
		return string(b), out.Results
	}
	one, oneResults := render(1)
	for _, w := range []int{2, 4} {
		got, results := render(w)
		if got != one {
			t.Errorf("%d workers: the output differs from one worker's", w)
		}
		if !reflect.DeepEqual(results, oneResults) {
			t.Errorf("%d workers: %d results, one worker %d, or in another order", w, len(results), len(oneResults))
		}
	}
}
