package policy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/match"
)

// The embedded library is read at every start. Parsing its YAML (tests and
// resources included), decoding its match blocks and generating its
// autogen rules were most of a one-document render's time, so it is loaded
// once, at build time (go generate ./policies): Preparse encodes the Set
// LoadFS returns — each policy's fields, its rules (autogen ones included)
// with their match and exclude blocks as the JSON they are decoded from,
// and every tree as go-yaml built it (styles, comments, lines and columns,
// and which nodes the trees share) — in a compact binary form, and
// LoadPreparsed rebuilds that Set without a YAML parser. The library's
// tests hold the two to the same Set.

// preparsedMagic starts the form; a new layout changes it.
const preparsedMagic = "preadmit-preparsed-v5\n"

// Preparse loads the policies under root in fsys with LoadFS and encodes
// the Set for LoadPreparsed. It fails on anything LoadFS reports, so that a
// defect of the library stops the build rather than a render.
func Preparse(fsys fs.FS, root, prefix string) ([]byte, error) {
	set, err := LoadFS(fsys, root, prefix)
	if err != nil {
		return nil, err
	}
	if len(set.NotApplied) > 0 {
		return nil, errors.New("preparsed policies: a Set with NotApplied entries")
	}
	w := &nodeWriter{buf: []byte(preparsedMagic)}
	w.uint(uint64(len(set.Policies)))
	for _, p := range set.Policies {
		// Each policy is its name and annotations, which a reader's keep
		// decides on, then its body, which a reader may skip unread.
		w.string(p.Name)
		w.annotations(p.Annotations)
		body := &nodeWriter{}
		if err := body.policy(p); err != nil {
			return nil, fmt.Errorf("%s: policy %s: %w", p.File, p.Name, err)
		}
		w.uint(uint64(len(body.ids)))
		w.string(string(body.buf))
	}
	w.uint(uint64(len(set.Others)))
	for _, d := range set.Others {
		w.string(d.File)
		w.ids = map[*yaml.Node]uint64{}
		if err := w.node(d.Node.YNode()); err != nil {
			return nil, fmt.Errorf("%s: %w", d.File, err)
		}
	}
	return w.buf, nil
}

func (w *nodeWriter) policy(p *Policy) error {
	if len(p.Rules) > 0 && p.Rules[0].IsCEL() {
		// A CEL policy is its file and tree: its spec and autogen rules
		// are decoded from the tree when read (no YAML parser, no schema
		// check), which is cheap and keeps one decoder.
		w.uint(1)
		w.string(p.File)
		w.ids = map[*yaml.Node]uint64{}
		return w.node(p.Node.YNode())
	}
	w.uint(0)
	for _, s := range []string{p.File, p.Kind, p.Name, p.Namespace, p.ValidationFailureAction, p.FailurePolicy} {
		w.string(s)
	}
	w.annotations(p.Annotations)
	// One numbering for the policy's tree and its rules': a rule as
	// written is a node of the policy's tree, and stays one.
	w.ids = map[*yaml.Node]uint64{}
	if err := w.node(p.Node.YNode()); err != nil {
		return err
	}
	w.uint(uint64(len(p.Rules)))
	for _, r := range p.Rules {
		w.string(r.Name)
		w.string(r.AutogenOf)
		for _, block := range []string{"match", "exclude"} {
			b, err := blockJSON(r.Node.Field(block))
			if err != nil {
				return fmt.Errorf("rule %s: %s: %w", r.Name, block, err)
			}
			w.string(string(b))
		}
		if err := w.node(r.Node.YNode()); err != nil {
			return err
		}
	}
	return nil
}

// annotations writes a policy's annotations in key order: 0 for none, else
// their number plus one and each key and value.
func (w *nodeWriter) annotations(a map[string]string) {
	if a == nil {
		w.uint(0)
		return
	}
	w.uint(uint64(len(a)) + 1)
	keys := make([]string, 0, len(a))
	for k := range a {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		w.string(k)
		w.string(a[k])
	}
}

func (r *nodeReader) annotations() map[string]string {
	n := r.count()
	if n == 0 {
		return nil
	}
	a := make(map[string]string, n-1)
	for i := uint64(1); i < n && r.err == nil; i++ {
		k := r.string()
		a[k] = r.string()
	}
	return a
}

// Keep decides from a policy's name and annotations whether LoadPreparsed
// decodes it. Deciding before decoding lets a process that will not apply
// a policy (an opt-in one not enabled) not pay for reading it.
type Keep func(name string, annotations map[string]string) bool

// LoadPreparsed returns the Set Preparse encoded, as LoadFS returned it:
// trusted, without the schema check. With keep, only the policies it keeps
// are decoded; the names of the others are in Set.Left.
func LoadPreparsed(data string, keep Keep) (*Set, error) {
	if !strings.HasPrefix(data, preparsedMagic) {
		return nil, errors.New("preparsed policies: not in the form of this build (go generate ./policies)")
	}
	r := &nodeReader{data: data, pos: len(preparsedMagic)}
	set := &Set{trusted: true}
	for n := r.count(); n > 0 && r.err == nil; n-- {
		name, annotations := r.string(), r.annotations()
		nodes, body := r.uint(), r.string()
		if r.err != nil {
			break
		}
		if keep != nil && !keep(name, annotations) {
			set.Left = append(set.Left, name)
			continue
		}
		br := &nodeReader{data: body}
		if nodes <= uint64(len(body)) {
			// One allocation for the policy's nodes, each at least a byte.
			br.slab, br.nodes = make([]yaml.Node, nodes), make([]*yaml.Node, 0, nodes)
		}
		p := br.policy()
		if br.err == nil && br.pos != len(body) {
			br.err = errors.New("bytes after a policy")
		}
		if r.err = br.err; r.err == nil {
			set.Policies = append(set.Policies, p)
		}
	}
	for n := r.count(); n > 0 && r.err == nil; n-- {
		file := r.string()
		r.nodes = r.nodes[:0]
		if n := r.node(); r.err == nil {
			set.Others = append(set.Others, &Document{File: file, Node: yaml.NewRNode(n)})
		}
	}
	if r.err == nil && r.pos != len(r.data) {
		r.err = errors.New("bytes after the last document")
	}
	if r.err != nil {
		return nil, fmt.Errorf("preparsed policies: %w", r.err)
	}
	return set, finish(set, nil)
}

func (r *nodeReader) policy() *Policy {
	if r.count() == 1 {
		file := r.string()
		r.nodes = r.nodes[:0]
		n := r.node()
		if r.err != nil {
			return nil
		}
		p, errs := parseCELPolicy(file, yaml.NewRNode(n), false)
		if len(errs) > 0 {
			r.err = errs
			return nil
		}
		p.Checked = true
		return p
	}
	p := &Policy{File: r.string(), Kind: r.string(), Name: r.string(), Namespace: r.string(), Checked: true}
	p.ValidationFailureAction, p.FailurePolicy = r.string(), r.string()
	p.Annotations = r.annotations()
	r.nodes = r.nodes[:0]
	p.Node = yaml.NewRNode(r.node())
	for n := r.count(); n > 0 && r.err == nil; n-- {
		rule := &Rule{Name: r.string(), AutogenOf: r.string()}
		for _, spec := range []*match.Spec{&rule.Match, &rule.Exclude} {
			if b := r.string(); b != "" && r.err == nil {
				if err := decodeJSON([]byte(b), spec); err != nil {
					r.err = err
				}
			}
		}
		rule.Node = yaml.NewRNode(r.node())
		rule.typ = classify(rule.Node)
		p.Rules = append(p.Rules, rule)
	}
	return p
}

// The form is preparsedMagic, the number of policies, each policy (its
// name, its annotations, the number of its nodes and its body as a string,
// so that a reader can step over it), the number of other documents and each of them (its file and
// tree).
//
// nodeWriter encodes yaml.Node trees: each node as its kind, style, tag,
// value, anchor, comments, line, column, alias (the number of the node it
// points to, in the order written, plus one; 0 for none) and children. A
// node written before in the same numbering is written as kind 0 and its
// number, so that trees that share nodes still share them when read.
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
	if id, ok := w.ids[n]; ok {
		w.uint(0)
		w.uint(id)
		return nil
	}
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
	slab  []yaml.Node  // where new nodes are put, while it lasts
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

// count reads a number of things that follow, each at least a byte long.
func (r *nodeReader) count() uint64 {
	n := r.uint()
	if n > uint64(len(r.data)-r.pos) {
		r.err = errors.New("truncated")
		return 0
	}
	return n
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
	kind := r.uint()
	if kind == 0 {
		id := r.uint()
		if id >= uint64(len(r.nodes)) {
			r.err = errors.New("a reference to a node not read yet")
			return nil
		}
		return r.nodes[id]
	}
	var n *yaml.Node
	if len(r.slab) > 0 {
		n, r.slab = &r.slab[0], r.slab[1:]
	} else {
		n = &yaml.Node{}
	}
	n.Kind, n.Style = yaml.Kind(kind), yaml.Style(r.uint())
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
	if count := r.count(); count > 0 {
		n.Content = make([]*yaml.Node, count)
		for i := range n.Content {
			if n.Content[i] = r.node(); r.err != nil {
				return nil
			}
		}
	}
	return n
}
