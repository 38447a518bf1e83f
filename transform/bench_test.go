package transform_test

import (
	"bytes"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	yamlv3 "go.yaml.in/yaml/v3"

	"github.com/preadmit/preadmit/internal/app"
	"github.com/preadmit/preadmit/internal/benchstream"
	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/report"
	"github.com/preadmit/preadmit/transform/stream"
)

func embeddedEngine(tb testing.TB, vars map[string]interface{}) *transform.Engine {
	tb.Helper()
	// The policies a render with no flags runs: the embedded library with
	// the default profile (opt-in policies left out), rendered as
	// "preadmit render" does without --diff and --report-file.
	set, err := app.LoadPolicies(app.PolicyOptions{})
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
// embedded library: read, match, mutate, validate, write.
func BenchmarkRender(b *testing.B) {
	in := benchstream.Stream(benchstream.Docs)
	eng := embeddedEngine(b, nil)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := eng.Render(in)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := out.Bytes(); err != nil {
			b.Fatal(err)
		}
	}
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
	set, err := app.LoadPolicies(app.PolicyOptions{Enable: []string{"podsecurity-restricted"}})
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
