package stream

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	yamlv3 "go.yaml.in/yaml/v3"
)

func TestRoundTripUnchanged(t *testing.T) {
	corpus, _ := filepath.Glob("../../../shared/corpus/charts/*.yaml")
	inputs := map[string]string{
		"helm":              "---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# Source: c/templates/b.yaml\napiVersion: v1\nkind: Service\nmetadata:\n  name: b\n",
		"no leading sep":    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Secret\n",
		"empty docs":        "---\n---\n# only a comment\n---\napiVersion: v1\nkind: ConfigMap\n",
		"no final newline":  "apiVersion: v1\nkind: ConfigMap",
		"crlf":              "---\r\napiVersion: v1\r\nkind: ConfigMap\r\n",
		"sep with comment":  "--- # first\na: 1\n---\t\nb: 2\n",
		"block scalar dash": "a: |\n  ---x\n  --- not a sep\n",
	}
	for _, f := range corpus {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		inputs[filepath.Base(f)] = string(b)
	}
	for name, in := range inputs {
		t.Run(name, func(t *testing.T) {
			docs, err := Read([]byte(in), DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			out, err := Bytes(docs)
			if err != nil {
				t.Fatal(err)
			}
			if string(out) != in {
				t.Fatalf("round trip changed bytes:\n%q\nwant\n%q", out, in)
			}
		})
	}
}

func TestSplitCounts(t *testing.T) {
	tests := []struct {
		in   string
		want int
	}{
		{"a: 1\n", 1},
		{"---\na: 1\n", 1},
		{"---\na: 1\n---\nb: 2\n", 2},
		{"a: 1\n---\n", 2},
		{"---\n---\n", 2},
		{"---x: 1\n", 1},
	}
	for _, tt := range tests {
		if got := len(Split([]byte(tt.in))); got != tt.want {
			t.Errorf("Split(%q) = %d documents, want %d", tt.in, got, tt.want)
		}
	}
}

func TestSource(t *testing.T) {
	docs, err := Read([]byte("---\n# Source: demo/templates/deploy.yaml\nkind: Deployment\n---\nkind: Service\n"), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if docs[0].Source != "demo/templates/deploy.yaml" || docs[1].Source != "" {
		t.Fatalf("sources = %q, %q", docs[0].Source, docs[1].Source)
	}
}

// Helm 4 gives a post-renderer plugin no "# Source:" comments; the template
// is named by an annotation instead, and a comment still wins.
func TestSourceFromHelm4Annotation(t *testing.T) {
	in := "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n  annotations:\n    " + Helm4FilenameAnnotation + ": c/templates/a.yaml\n" +
		"---\n# Source: c/templates/b.yaml\nkind: ConfigMap\nmetadata:\n  annotations:\n    " + Helm4FilenameAnnotation + ": other.yaml\n"
	docs, err := Read([]byte(in), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if docs[0].Source != "c/templates/a.yaml" || docs[1].Source != "c/templates/b.yaml" {
		t.Fatalf("sources = %q, %q", docs[0].Source, docs[1].Source)
	}
}

func TestReadErrors(t *testing.T) {
	bomb := "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\nf: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e, *e]\ng: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f, *f]\n"
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "empty input"},
		{"blank", "\n  \n", "empty input"},
		{"malformed", "---\napiVersion: v1\nkind: [\n", "input document 0"},
		{"tab indent", "a:\n\tb: 1\n", "malformed YAML"},
		{"alias bomb", bomb, "alias bomb"},
		{"deep", strings.Repeat("[", 600) + strings.Repeat("]", 600), "deeper"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read([]byte(tt.in), DefaultLimits)
			var ie *InputError
			if !errors.As(err, &ie) {
				t.Fatalf("error = %v, want *InputError", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %q does not mention %q", err, tt.want)
			}
		})
	}
}

func TestChangedDocumentKeepsSourceComment(t *testing.T) {
	in := "---\n# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\ndata:\n  list: x\n"
	docs, err := Read([]byte(in), DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	if err := docs[0].Node.PipeE(); err != nil {
		t.Fatal(err)
	}
	docs[0].Changed = true
	out, err := Bytes(docs)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, []byte(in)) {
		t.Fatalf("re-encoding an unmodified node changed it:\n%s", out)
	}
}

func FuzzRead(f *testing.F) {
	f.Add([]byte("---\n# Source: x\napiVersion: v1\nkind: Pod\n"))
	f.Add([]byte("a: &a [1]\nb: *a\n"))
	f.Add([]byte("--- # c\n---\n...\n"))
	f.Fuzz(func(t *testing.T, in []byte) {
		docs, err := Read(in, Limits{MaxNodes: 10000, MaxDepth: 64})
		if err != nil {
			return
		}
		out, err := Bytes(docs)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, in) {
			t.Fatalf("round trip changed bytes")
		}
	})
}

// Duplicate keys are rejected wherever they are: small and large maps, and
// documents with aliases (the memoised walk); the error gives stream lines.
func TestDuplicateKeys(t *testing.T) {
	var big strings.Builder
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&big, "  k%d: v\n", i)
	}
	for _, tc := range []struct {
		name, in string
		line     int // of the second occurrence, 0 when accepted
	}{
		{"small", "a: 1\nb: 2\na: 3\n", 3},
		{"nested", "spec:\n  x: 1\n  x: 2\n", 3},
		{"large", "m:\n" + big.String() + "  k7: again\n", 42},
		{"with-alias", "a: &x {p: 1}\nb: *x\nc: 1\nc: 2\n", 4},
		{"second-document", "a: 1\n---\nb: 1\nb: 2\n", 4},
		{"merge-keys-repeat", "a: &x {p: 1}\nb: &y {q: 1}\nc:\n  <<: *x\n  <<: *y\n", 0},
		{"same-value-different-keys", "a: 1\nb: 1\n", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read([]byte(tc.in), DefaultLimits)
			var dk *DuplicateKeyError
			switch {
			case tc.line == 0 && err != nil:
				t.Fatalf("rejected: %v", err)
			case tc.line != 0 && !errors.As(err, &dk):
				t.Fatalf("error %v, want a *DuplicateKeyError", err)
			case tc.line != 0 && dk.Line != tc.line:
				t.Errorf("line %d, want %d (%v)", dk.Line, tc.line, err)
			}
		})
	}
}

// TestSecondDocumentInBody checks both ways a document body is decoded:
// text that can hold a second document (a line starting "---" or "...")
// goes through a Decoder, which must see it; other text is unmarshalled in
// place.
func TestSecondDocumentInBody(t *testing.T) {
	for _, tc := range []struct {
		in, err string
	}{
		{"a: 1\nb: [2]\n", ""},
		{"a: 1\n...\n", ""},
		{"a: 1\n...\nb: 2\n", "more than one document"},
		{"a: 1\n--- |\n  x\n", "more than one document"},
		{"a: [1\n", "malformed YAML"},
		{"--- |\n  x\n", ""},
	} {
		docs, err := Read([]byte(tc.in), DefaultLimits)
		switch {
		case tc.err == "" && err != nil:
			t.Errorf("%q: %v", tc.in, err)
		case tc.err != "" && (err == nil || !strings.Contains(err.Error(), tc.err)):
			t.Errorf("%q: error %v, want %q", tc.in, err, tc.err)
		case tc.err == "" && (len(docs) != 1 || docs[0].Empty()):
			t.Errorf("%q: %d documents, want one with content", tc.in, len(docs))
		}
	}
}

// TestReadErrorStreamLines checks that a malformed document later in a
// stream is named by its index, its template and the line of go-yaml's
// error counted in the whole stream: the line go-yaml gives when it
// decodes the whole stream as one, as kubectl and yq do.
func TestReadErrorStreamLines(t *testing.T) {
	head := "# Source: c/templates/a.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n---\n# Source: c/templates/b.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: b\n---\n"
	for _, tc := range []struct {
		name, in, want string
	}{
		{"tab in a later document", head + "# Source: c/templates/c.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n\tname: c\n",
			"input document 2 (c/templates/c.yaml, starting at line 13): malformed YAML: yaml: line 17: found character that cannot start any token"},
		{"unclosed flow in a later document", head + "# Source: c/templates/c.yaml\napiVersion: v1\nkind: Pod\nmetadata: [unclosed\n",
			"input document 2 (c/templates/c.yaml, starting at line 13): malformed YAML: yaml: line 15: did not find expected ',' or ']'"},
		{"no source comment", head + "apiVersion: v1\nkind: Pod\nspec: x: y\n",
			"input document 2 (starting at line 13): malformed YAML: yaml: line 15: mapping values are not allowed in this context"},
		{"first document", "apiVersion: v1\nkind: Pod\nspec: x: y\n---\nkind: ConfigMap\n",
			"input document 0 (starting at line 1): malformed YAML: yaml: line 3: mapping values are not allowed in this context"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Read([]byte(tc.in), DefaultLimits)
			var se *SyntaxError
			if !errors.As(err, &se) || err.Error() != tc.want {
				t.Fatalf("error %v\nwant a *SyntaxError: %s", err, tc.want)
			}
			whole := wholeStreamError(t, tc.in)
			if !strings.HasSuffix(err.Error(), whole) {
				t.Errorf("error %q, go-yaml on the whole stream says %q", err, whole)
			}
		})
	}
}

// wholeStreamError decodes a stream with one go-yaml Decoder and returns
// its first error.
func wholeStreamError(t *testing.T, in string) string {
	t.Helper()
	dec := yamlv3.NewDecoder(strings.NewReader(in))
	for {
		var n yamlv3.Node
		if err := dec.Decode(&n); err != nil {
			return err.Error()
		}
	}
}
