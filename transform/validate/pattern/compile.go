package pattern

import (
	"errors"
	"fmt"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/anchor"
	"github.com/preadmit/preadmit/transform/wildcard"
)

// Limits that keep a hostile or broken pattern from exhausting the stack or
// memory at compile time (alias "billion laughs" included).
const (
	maxPatternDepth = 256
	maxPatternNodes = 100000
)

// CompileError reports a pattern Kyverno would reject or could never match,
// with the path of the offending key in the pattern as written (anchors
// included), e.g. "spec.containers[0].~(name)".
type CompileError struct {
	Path string
	Err  error
}

func (e *CompileError) Error() string {
	if e.Path == "" {
		return "pattern: " + e.Err.Error()
	}
	return fmt.Sprintf("pattern at %s: %v", e.Path, e.Err)
}

func (e *CompileError) Unwrap() error { return e.Err }

// ErrAnchorNotAllowed is wrapped by a CompileError for the add-if-not-present
// anchor "+(key)", which belongs to mutate patterns only.
var ErrAnchorNotAllowed = errors.New("anchor is only valid in mutate patterns")

type nodeKind uint8

const (
	nodeScalar nodeKind = iota
	nodeMap
	nodeList
)

// pnode is one compiled pattern element.
type pnode struct {
	kind nodeKind
	// nodeMap
	fields []field
	// wildcardKeys is set for metadata.labels and metadata.annotations maps,
	// whose keys may contain wildcards that are resolved against the
	// resource (Kyverno's wildcards.ExpandInMetadata).
	wildcardKeys bool
	// nodeList
	elems []*pnode
	// nodeScalar
	value *Value
	// hasAnchors is set when the subtree holds any anchor; Kyverno checks
	// such keys before plain ones.
	hasAnchors bool
}

type field struct {
	anchor   anchor.Type
	key      string
	wildcard bool
	val      *pnode
}

type compiler struct {
	nodes int
}

// Compile parses a validate.pattern once: anchors, value operators and
// wildcards are checked and pre-parsed so that Match does no parsing. It
// returns a *CompileError for unknown anchors, "+()" anchors, existence
// anchors whose value is not a list of objects, and value patterns whose
// operators can never match.
func Compile(pattern *yaml.RNode) (*Pattern, error) {
	var n *yaml.Node
	if pattern != nil {
		n = pattern.YNode()
	}
	return compileNode(n)
}

func compileNode(n *yaml.Node) (*Pattern, error) {
	c := &compiler{}
	root, err := c.compile(n, pathBuilder{}, 0, modeNormal)
	if err != nil {
		return nil, err
	}
	return &Pattern{root: root}, nil
}

// pathBuilder renders pattern paths for compile errors; it is only used on
// the error path, so it can allocate freely.
type pathBuilder struct{ segs []string }

func (p pathBuilder) key(k string) pathBuilder {
	s := make([]string, len(p.segs), len(p.segs)+1)
	copy(s, p.segs)
	return pathBuilder{segs: append(s, k)}
}

func (p pathBuilder) index(i int) pathBuilder {
	s := make([]string, len(p.segs), len(p.segs)+1)
	copy(s, p.segs)
	return pathBuilder{segs: append(s, "["+strconv.Itoa(i)+"]")}
}

func (p pathBuilder) String() string {
	out := ""
	for i, s := range p.segs {
		if i > 0 && s[0] != '[' {
			out += "."
		}
		out += s
	}
	return out
}

// keyMode says how the keys of a map pattern are read.
type keyMode uint8

const (
	modeNormal keyMode = iota
	// modeMetadata is a map under a "metadata" key.
	modeMetadata
	// modeWildcardKeys is labels or annotations under metadata, whose keys
	// may be wildcards (Kyverno's wildcards.ExpandInMetadata).
	modeWildcardKeys
)

func (c *compiler) compile(n *yaml.Node, path pathBuilder, depth int, mode keyMode) (*pnode, error) {
	c.nodes++
	if c.nodes > maxPatternNodes {
		return nil, &CompileError{Path: path.String(), Err: fmt.Errorf("pattern has more than %d nodes", maxPatternNodes)}
	}
	if depth > maxPatternDepth {
		return nil, &CompileError{Path: path.String(), Err: fmt.Errorf("pattern is nested deeper than %d levels", maxPatternDepth)}
	}
	n = deref(n)
	switch kindOf(n) {
	case kindMap:
		return c.compileMap(n, path, depth, mode)
	case kindList:
		p := &pnode{kind: nodeList}
		for i, e := range n.Content {
			cp, err := c.compile(e, path.index(i), depth+1, modeNormal)
			if err != nil {
				return nil, err
			}
			p.hasAnchors = p.hasAnchors || cp.hasAnchors
			p.elems = append(p.elems, cp)
		}
		return p, nil
	}
	v, err := CompileValue(n)
	if err != nil {
		return nil, &CompileError{Path: path.String(), Err: err}
	}
	return &pnode{kind: nodeScalar, value: v}, nil
}

func (c *compiler) compileMap(n *yaml.Node, path pathBuilder, depth int, mode keyMode) (*pnode, error) {
	p := &pnode{kind: nodeMap, wildcardKeys: mode == modeWildcardKeys}
	var anchored, globals, nested, plain []field
	seen := map[string]bool{}
	for _, pair := range mapPairs(n) {
		raw := pair[0].Value
		if seen[raw] {
			continue // a merged key overridden by an explicit one
		}
		seen[raw] = true
		fp := path.key(raw)
		a, err := anchor.Parse(raw)
		if err != nil {
			return nil, &CompileError{Path: fp.String(), Err: err}
		}
		if a.Type == anchor.AddIfNotPresent {
			return nil, &CompileError{Path: fp.String(), Err: fmt.Errorf("%q: %w", raw, ErrAnchorNotAllowed)}
		}
		childMode := modeNormal
		switch {
		case a.Key == "metadata":
			childMode = modeMetadata
		case mode == modeMetadata && (a.Key == "labels" || a.Key == "annotations"):
			childMode = modeWildcardKeys
		}
		val, err := c.compile(pair[1], fp, depth+1, childMode)
		if err != nil {
			return nil, err
		}
		if a.Type == anchor.Existence {
			if val.kind != nodeList || len(val.elems) == 0 {
				return nil, &CompileError{Path: fp.String(), Err: fmt.Errorf("existence anchor %q needs a non-empty list of objects", raw)}
			}
			for _, e := range val.elems {
				if e.kind != nodeMap {
					return nil, &CompileError{Path: fp.String(), Err: fmt.Errorf("existence anchor %q needs a list of objects", raw)}
				}
			}
		}
		f := field{anchor: a.Type, key: a.Key, wildcard: p.wildcardKeys && wildcard.Contains(a.Key), val: val}
		if a.Type != anchor.None || val.hasAnchors {
			p.hasAnchors = true
		}
		switch {
		case a.Type == anchor.Condition || a.Type == anchor.Existence || a.Type == anchor.Equality || a.Type == anchor.Negation:
			anchored = append(anchored, f)
		case a.Type == anchor.Global:
			globals = append(globals, f)
		case val.hasAnchors:
			nested = append(nested, f)
		default:
			plain = append(plain, f)
		}
	}
	// Kyverno's order: conditional, existence, equality and negation
	// anchors sorted by key; then global anchors and keys with anchors
	// below them; then plain keys. Which check runs first decides whether a
	// resource is skipped or failed.
	sortFields(anchored)
	p.fields = make([]field, 0, len(anchored)+len(globals)+len(nested)+len(plain))
	p.fields = append(append(append(append(p.fields, anchored...), globals...), nested...), plain...)
	return p, nil
}

func sortFields(fs []field) {
	// Insertion sort by the written key: patterns are small.
	for i := 1; i < len(fs); i++ {
		for j := i; j > 0 && anchor.Write(fs[j].anchor, fs[j].key) < anchor.Write(fs[j-1].anchor, fs[j-1].key); j-- {
			fs[j], fs[j-1] = fs[j-1], fs[j]
		}
	}
}

// mapPairs lists the key/value pairs of a mapping, explicit keys first and
// then those pulled in by merge keys ("<<").
func mapPairs(m *yaml.Node) [][2]*yaml.Node {
	var out [][2]*yaml.Node
	for i := 0; i+1 < len(m.Content); i += 2 {
		if k := m.Content[i]; !isMergeKey(k) {
			out = append(out, [2]*yaml.Node{k, m.Content[i+1]})
		}
	}
	for _, s := range mergeSources(m) {
		if s == m {
			continue
		}
		for j := 0; j+1 < len(s.Content); j += 2 {
			if !isMergeKey(s.Content[j]) {
				out = append(out, [2]*yaml.Node{s.Content[j], s.Content[j+1]})
			}
		}
	}
	return out
}
