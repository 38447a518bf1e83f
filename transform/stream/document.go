package stream

import (
	"bytes"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Document is one document of a stream.
type Document struct {
	// Index is the 0-based position of the document in the stream.
	Index int
	// Line is the 1-based line of the stream where Raw starts; the line
	// numbers of YAML errors count from there.
	Line int
	// Separator is the "---" line that opened the document, with its line
	// break, or empty for a first document without one.
	Separator []byte
	// Raw is the body exactly as read.
	Raw []byte
	// Node is the parsed body, nil for an empty document (only comments and
	// white space). Filters may change it in place; Changed must then be set.
	Node *yaml.RNode
	// Source is the Helm template the document came from ("# Source:" comment)
	// or "" when there is none.
	Source string
	// Changed marks a document whose Node must be encoded again.
	Changed bool
	// Out is the encoded body of a changed document once its tree was let
	// go (Compact); Bytes writes it instead of Raw.
	Out []byte
	// parsed is set once parse has run; compacted once Compact let go of
	// a tree.
	parsed, compacted bool
}

// Parse parses Raw into Node, once: a document already parsed is left as
// it is.
func (d *Document) Parse(limits Limits) error {
	if d.parsed {
		return nil
	}
	if err := d.parse(limits); err != nil {
		return err
	}
	d.parsed = true
	return nil
}

// Compact encodes a changed document into Out and lets go of its tree:
// what is left is enough to write the stream.
func (d *Document) Compact() error {
	if d.Changed && d.Node != nil {
		out, err := d.encode()
		if err != nil {
			return err
		}
		if cap(out)-len(out) > len(out)/4 {
			out = bytes.Clone(out) // Out is kept until the stream is written
		}
		d.Out = out
	}
	d.compacted = d.compacted || d.Node != nil
	d.Node = nil
	return nil
}

// Parsed reports whether Parse has run (or the document came as a node).
func (d *Document) Parsed() bool { return d.parsed }

// Empty reports whether the document has no content, only comments or space.
func (d *Document) Empty() bool { return d.Node == nil && !d.compacted }

// Helm4FilenameAnnotation is the annotation Helm 4 puts on every document it
// gives a post-renderer, naming its template; Helm files the document back
// under that template afterwards, so it must survive every mutation.
const Helm4FilenameAnnotation = "postrenderer.helm.sh/postrender-filename"

// helm4Filename is metadata.annotations[Helm4FilenameAnnotation] of a
// document, or "". It walks the nodes itself: a malformed mapping must not
// panic here (kyaml's GetAnnotations assumes well-formed pairs).
func helm4Filename(root *yamlv3.Node) string {
	n := root
	for _, key := range []string{"metadata", "annotations", Helm4FilenameAnnotation} {
		n = mappingValue(n, key)
	}
	if n == nil || n.Kind != yamlv3.ScalarNode {
		return ""
	}
	return n.Value
}

func mappingValue(n *yamlv3.Node, key string) *yamlv3.Node {
	if n == nil || n.Kind != yamlv3.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

// sourceOf finds Helm's "# Source: path" comment at the head of a document.
func sourceOf(raw []byte) string {
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		t := strings.TrimSpace(string(line))
		if t == "" {
			continue
		}
		if !strings.HasPrefix(t, "#") {
			return ""
		}
		if rest, ok := strings.CutPrefix(t, "# Source:"); ok {
			return strings.TrimSpace(rest)
		}
	}
	return ""
}
