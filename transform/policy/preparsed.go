package policy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/stream"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// The embedded library is read at every start. Parsing its YAML (tests and
// resources included) was most of a one-document render's time, so it is
// parsed once, at build time (go generate ./policies): Preparse keeps the
// trees of the documents the loader reads, as go-yaml built them (styles,
// comments, lines and columns included), in a compact binary form, and
// LoadPreparsed rebuilds them without a YAML parser and loads them as
// LoadFS does. The library's tests hold the two to the same Set.

// preparsedMagic starts the form; a new layout changes it.
const preparsedMagic = "preadmit-preparsed-v1\n"

// Preparse reads the YAML files under root in fsys as LoadFS does and
// encodes, for LoadPreparsed, the documents it would load: Kyverno
// documents, admission policies and the Lists holding them. It fails on
// anything LoadFS reports, so that a defect of the library stops the build
// rather than a render.
func Preparse(fsys fs.FS, root, prefix string) ([]byte, error) {
	if _, err := LoadFS(fsys, root, prefix); err != nil {
		return nil, err
	}
	files, err := stream.YAMLFiles(fsys, root)
	if err != nil {
		return nil, err
	}
	w := &nodeWriter{}
	count := 0
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		if err != nil {
			return nil, err
		}
		docs, err := stream.Read(b, stream.DefaultLimits)
		if err != nil {
			if strings.TrimSpace(string(b)) == "" {
				continue
			}
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for _, d := range docs {
			if d.Node == nil || !loaded(d.Node.YNode()) {
				continue
			}
			count++
			w.string(filepath.Join(prefix, filepath.FromSlash(f)))
			w.uint(uint64(d.Index))
			w.ids = map[*yaml.Node]uint64{}
			if err := w.node(d.Node.YNode()); err != nil {
				return nil, fmt.Errorf("%s: document %d: %w", f, d.Index, err)
			}
		}
	}
	// The count first: a form cut short between two documents is an error
	// too.
	head := binary.AppendUvarint([]byte(preparsedMagic), uint64(count))
	return append(head, w.buf...), nil
}

// loaded reports whether the loader does anything with a document (see
// Set.addNode): the others need not be kept.
func loaded(n *yaml.Node) bool {
	if n.Kind != yaml.MappingNode {
		return false
	}
	apiVersion, kind := yamlnode.Scalar(yamlnode.Field(n, "apiVersion")), yamlnode.Scalar(yamlnode.Field(n, "kind"))
	return (apiVersion == "v1" && kind == "List") || isAdmissionPolicy(apiVersion, kind) || isKyverno(apiVersion)
}

// LoadPreparsed loads the documents Preparse encoded, as LoadFS loads them
// from their files: trusted, without the schema check.
func LoadPreparsed(data string) (*Set, error) {
	if !strings.HasPrefix(data, preparsedMagic) {
		return nil, errors.New("preparsed policies: not in the form of this build (go generate ./policies)")
	}
	r := &nodeReader{data: data, pos: len(preparsedMagic)}
	set := &Set{trusted: true}
	var errs Errors
	count := r.uint()
	for i := uint64(0); i < count && r.err == nil; i++ {
		file := r.string()
		index := int(r.uint())
		r.nodes = r.nodes[:0]
		n := r.node()
		if r.err != nil {
			break
		}
		errs = append(errs, set.addNode(file, index, yaml.NewRNode(n))...)
	}
	if r.err == nil && r.pos != len(r.data) {
		r.err = errors.New("bytes after the last document")
	}
	if r.err != nil {
		return nil, fmt.Errorf("preparsed policies: %w", r.err)
	}
	return set, finish(set, errs)
}

// The form is preparsedMagic, the number of documents, then for each its
// file, its index in the file and its tree.
//
// nodeWriter encodes yaml.Node trees: each node as its kind, style, tag,
// value, anchor, comments, line, column, alias (the number of the node it
// points to, in the order written, plus one; 0 for none) and children.
type nodeWriter struct {
	buf []byte
	ids map[*yaml.Node]uint64
}

func (w *nodeWriter) uint(v uint64) { w.buf = binary.AppendUvarint(w.buf, v) }

func (w *nodeWriter) string(s string) {
	w.uint(uint64(len(s)))
	w.buf = append(w.buf, s...)
}

func (w *nodeWriter) node(n *yaml.Node) error {
	w.ids[n] = uint64(len(w.ids))
	w.uint(uint64(n.Kind))
	w.uint(uint64(n.Style))
	for _, s := range []string{n.Tag, n.Value, n.Anchor, n.HeadComment, n.LineComment, n.FootComment} {
		w.string(s)
	}
	w.uint(uint64(n.Line))
	w.uint(uint64(n.Column))
	if n.Alias != nil {
		id, ok := w.ids[n.Alias]
		if !ok {
			return errors.New("an alias to a node that is not before it")
		}
		w.uint(id + 1)
	} else {
		w.uint(0)
	}
	w.uint(uint64(len(n.Content)))
	for _, c := range n.Content {
		if err := w.node(c); err != nil {
			return err
		}
	}
	return nil
}

// nodeReader decodes what nodeWriter wrote. Strings are slices of data,
// which the embedded library keeps for the life of the process.
type nodeReader struct {
	data  string
	pos   int
	err   error
	nodes []*yaml.Node // of the current document, in the order read
}

func (r *nodeReader) uint() uint64 {
	var v uint64
	for shift := uint(0); r.err == nil; shift += 7 {
		if r.pos >= len(r.data) || shift > 63 {
			r.err = errors.New("truncated")
			break
		}
		b := r.data[r.pos]
		r.pos++
		v |= uint64(b&0x7f) << shift
		if b < 0x80 {
			return v
		}
	}
	return 0
}

func (r *nodeReader) string() string {
	n := r.uint()
	if r.err != nil {
		return ""
	}
	if n > uint64(len(r.data)-r.pos) {
		r.err = errors.New("truncated")
		return ""
	}
	s := r.data[r.pos : r.pos+int(n)]
	r.pos += int(n)
	return s
}

func (r *nodeReader) node() *yaml.Node {
	n := &yaml.Node{Kind: yaml.Kind(r.uint()), Style: yaml.Style(r.uint())}
	r.nodes = append(r.nodes, n)
	n.Tag, n.Value, n.Anchor = r.string(), r.string(), r.string()
	n.HeadComment, n.LineComment, n.FootComment = r.string(), r.string(), r.string()
	n.Line, n.Column = int(r.uint()), int(r.uint())
	if alias := r.uint(); alias > 0 {
		if alias > uint64(len(r.nodes)) {
			r.err = errors.New("an alias to a node not read yet")
			return nil
		}
		n.Alias = r.nodes[alias-1]
	}
	count := r.uint()
	if r.err != nil {
		return nil
	}
	if count > uint64(len(r.data)-r.pos) { // every node takes a byte at least
		r.err = errors.New("truncated")
		return nil
	}
	if count > 0 {
		n.Content = make([]*yaml.Node, count)
		for i := range n.Content {
			if n.Content[i] = r.node(); r.err != nil {
				return nil
			}
		}
	}
	return n
}
