package stream

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Limits bound the work a hostile document can cause.
type Limits struct {
	// MaxNodes is the largest number of YAML nodes one document may expand
	// to when its aliases are followed (alias bombs).
	MaxNodes int
	// MaxDepth is the deepest nesting allowed.
	MaxDepth int
}

// DefaultLimits are generous for real manifests and small enough to stop a
// "billion laughs" document at once.
var DefaultLimits = Limits{MaxNodes: 2_000_000, MaxDepth: 512}

// ErrEmpty is returned for a stream with no bytes at all.
var ErrEmpty = errors.New("empty input: expected Kubernetes manifests on stdin")

// Read splits and parses a whole stream. An empty stream is an error; a
// document that does not parse is an *InputError naming it.
func Read(in []byte, limits Limits) ([]*Document, error) {
	if len(bytes.TrimSpace(in)) == 0 {
		return nil, &InputError{Index: -1, Err: ErrEmpty}
	}
	docs := Split(in)
	// Documents parse independently: on every CPU, the first error in
	// stream order reported.
	if err := Each(len(docs), 0, 32, func(i int) error { return docs[i].Parse(limits) }); err != nil {
		return nil, inStream(err, docs)
	}
	return docs, nil
}

// inStream makes the line of a YAML syntax error a line of the whole
// stream. go-yaml counts lines from the start of the text it decodes, the
// document, and says which line in its message only; so the document is
// decoded again behind Line-1 empty lines, which change nothing in YAML.
// That is done once, for the error reported, not in every failing parse
// (a stream of broken documents must not cost its length squared).
func inStream(err error, docs []*Document) error {
	var ie *InputError
	var se *SyntaxError
	if !errors.As(err, &ie) || !errors.As(err, &se) || ie.Index < 0 || ie.Index >= len(docs) {
		return err
	}
	d := docs[ie.Index]
	if d.Line <= 1 {
		return err
	}
	padded := make([]byte, d.Line-1, d.Line-1+len(d.Raw))
	for i := range padded {
		padded[i] = '\n'
	}
	if _, perr := decodeOne(append(padded, d.Raw...)); errors.As(perr, &se) {
		return d.errorf("%w", perr)
	}
	return err
}

// Split cuts a stream at its document separators without parsing. Joining the
// documents' Separator and Raw gives back the input exactly.
func Split(in []byte) []*Document {
	var docs []*Document
	cur := &Document{Line: 1}
	start := 0
	line := 1 // of in[pos]
	for pos := 0; pos < len(in); {
		end := bytes.IndexByte(in[pos:], '\n')
		next := len(in)
		if end >= 0 {
			next = pos + end + 1
		}
		if isSeparator(in[pos:next]) {
			cur.Raw = in[start:pos]
			if pos > 0 || len(cur.Separator) > 0 {
				docs = append(docs, cur)
			}
			cur = &Document{Separator: in[pos:next], Line: line + 1}
			start = next
		}
		pos = next
		line++
	}
	cur.Raw = in[start:]
	docs = append(docs, cur)
	for i, d := range docs {
		d.Index = i
	}
	return docs
}

// isSeparator reports whether line is a "---" document marker on its own,
// optionally followed by white space or a comment.
func isSeparator(line []byte) bool {
	if !bytes.HasPrefix(line, []byte("---")) {
		return false
	}
	rest := bytes.TrimRight(line[3:], "\r\n")
	if len(rest) == 0 {
		return true
	}
	if rest[0] != ' ' && rest[0] != '\t' {
		return false
	}
	rest = bytes.TrimSpace(rest)
	return len(rest) == 0 || rest[0] == '#'
}

func (d *Document) parse(limits Limits) error {
	d.Source = sourceOf(d.Raw)
	if len(bytes.TrimSpace(d.Raw)) == 0 {
		return nil
	}
	n, err := decodeOne(d.Raw)
	if err != nil {
		return d.errorf("%w", err)
	}
	if n.Kind == 0 || (n.Kind == yamlv3.DocumentNode && len(n.Content) == 0) {
		return nil
	}
	if n.Kind == yamlv3.DocumentNode && len(n.Content) == 1 {
		root := n.Content[0]
		if err := checkSize(root, limits); err != nil {
			var dk *DuplicateKeyError
			if errors.As(err, &dk) && d.Line > 1 {
				dk.Line, dk.First = dk.Line+d.Line-1, dk.First+d.Line-1 // stream lines
			}
			return d.errorf("%w", err)
		}
		if root.Kind == yamlv3.ScalarNode && root.Tag == "!!null" && root.Value == "" {
			return nil
		}
		d.Node = yaml.NewRNode(root)
		if d.Source == "" {
			// Helm 4 sends no "# Source:" comments to a post-renderer
			// plugin; it names each document's template in an annotation.
			d.Source = helm4Filename(root)
		}
		return nil
	}
	return d.errorf("unexpected YAML document structure")
}

// decodeOne decodes the one YAML document of raw: a zero Node when there is
// none. Text that can hold a second document (a line starting "---" or
// "...") goes through a Decoder, which sees it; the rest is unmarshalled
// in place, without the Decoder's reader buffers.
func decodeOne(raw []byte) (yamlv3.Node, error) {
	var n yamlv3.Node
	if !markerLine(raw, docStart) && !markerLine(raw, docEnd) {
		if err := yamlv3.Unmarshal(raw, &n); err != nil {
			return n, &SyntaxError{Err: err}
		}
		return n, nil
	}
	dec := yamlv3.NewDecoder(bytes.NewReader(raw))
	if err := dec.Decode(&n); err != nil {
		if errors.Is(err, io.EOF) {
			return yamlv3.Node{}, nil
		}
		return n, &SyntaxError{Err: err}
	}
	var extra yamlv3.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return n, errors.New("malformed YAML: more than one document without a \"---\" separator line")
	}
	return n, nil
}

// The YAML document markers, with the line break before them.
var docStart, docEnd = []byte("\n---"), []byte("\n...")

// markerLine reports whether a line of raw starts with marker (given with
// its leading line break).
func markerLine(raw, marker []byte) bool {
	return bytes.HasPrefix(raw, marker[1:]) || bytes.Contains(raw, marker)
}

func (d *Document) errorf(format string, args ...any) error {
	return &InputError{Index: d.Index, Line: d.Line, Source: d.Source, Err: fmt.Errorf(format, args...)}
}
