package strategic

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/yamlnode"
)

// copyNode returns a deep copy of n. Callers reject aliases first, so the
// copy is a tree.
func copyNode(n *yaml.Node) *yaml.Node {
	if n == nil {
		return nil
	}
	c := *n
	if n.Content != nil {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, child := range n.Content {
			c.Content[i] = copyNode(child)
		}
	}
	return &c
}

// stripComments removes comments from a tree taken from the policy: they
// describe the policy, not the resource.
func stripComments(n *yaml.Node) {
	if n == nil {
		return
	}
	n.HeadComment, n.LineComment, n.FootComment = "", "", ""
	for _, c := range n.Content {
		stripComments(c)
	}
}

// removeField deletes field name from mapping m.
func removeField(m *yaml.Node, name string) {
	if i := yamlnode.Index(m, name); i >= 0 {
		m.Content = append(m.Content[:i:i], m.Content[i+2:]...)
	}
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.Tag == yaml.NodeTagNull)
}

func kindName(n *yaml.Node) string {
	if n == nil {
		return "nothing"
	}
	switch n.Kind {
	case yaml.MappingNode:
		return "map"
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		if n.Tag == yaml.NodeTagNull {
			return "null"
		}
		return "scalar"
	case yaml.AliasNode:
		return "alias"
	case yaml.DocumentNode:
		return "document"
	}
	return fmt.Sprintf("kind %d", n.Kind)
}

// checkNoAlias rejects alias nodes, which would make a tree a graph. It
// runs on every resource a patch applies to, so the path is only built
// when there is an alias to report.
func checkNoAlias(n *yaml.Node, path *fpath) error {
	if !hasAlias(n) {
		return nil
	}
	return findAlias(n, path)
}

func hasAlias(n *yaml.Node) bool {
	if n == nil {
		return false
	}
	if n.Kind == yaml.AliasNode {
		return true
	}
	for _, c := range n.Content {
		if hasAlias(c) {
			return true
		}
	}
	return false
}

func findAlias(n *yaml.Node, path *fpath) error {
	if n == nil {
		return nil
	}
	if n.Kind == yaml.AliasNode {
		return &MergeError{Path: orRoot(path.String()), Err: errAlias}
	}
	if n.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(n.Content); i += 2 {
			if err := findAlias(n.Content[i+1], path.field(n.Content[i].Value)); err != nil {
				return err
			}
		}
		return nil
	}
	for i, c := range n.Content {
		if err := findAlias(c, path.at(i)); err != nil {
			return err
		}
	}
	return nil
}

// fpath is the field path of a step of the recursion, turned into text
// only when an error names it: each level adds a step that points to the
// one above it, so no string is built on the way down. A nil *fpath is the
// root.
type fpath struct {
	up      *fpath
	key     string
	index   int
	isIndex bool
}

func (p *fpath) field(k string) *fpath { return &fpath{up: p, key: k} }

func (p *fpath) at(i int) *fpath { return &fpath{up: p, index: i, isIndex: true} }

// pathArena hands out the steps of one walk from chunks that are reused
// from walk to walk (arenas): a walk allocates nothing for its paths. A
// step is valid until release; errors keep the text, never the step.
type pathArena struct {
	chunks [][]fpath
	ci, n  int
}

var arenas = sync.Pool{New: func() any { return new(pathArena) }}

func newPathArena() *pathArena { return arenas.Get().(*pathArena) }

// release gives the arena back once the walk is over.
func (a *pathArena) release() {
	a.ci, a.n = 0, 0
	arenas.Put(a)
}

func (a *pathArena) field(up *fpath, k string) *fpath { return a.add(fpath{up: up, key: k}) }

func (a *pathArena) at(up *fpath, i int) *fpath {
	return a.add(fpath{up: up, index: i, isIndex: true})
}

func (a *pathArena) add(p fpath) *fpath {
	if len(a.chunks) == 0 || a.n == len(a.chunks[a.ci]) {
		if len(a.chunks) > 0 {
			a.ci, a.n = a.ci+1, 0
		}
		if a.ci == len(a.chunks) {
			a.chunks = append(a.chunks, make([]fpath, 64))
		}
	}
	q := &a.chunks[a.ci][a.n]
	*q = p
	a.n++
	return q
}

// String is the path as "spec.containers[0].name" ("" at the root).
func (p *fpath) String() string {
	var steps []*fpath
	for q := p; q != nil; q = q.up {
		steps = append(steps, q)
	}
	var b strings.Builder
	for i := len(steps) - 1; i >= 0; i-- {
		switch q := steps[i]; {
		case q.isIndex:
			b.WriteString("[" + strconv.Itoa(q.index) + "]")
		case b.Len() > 0:
			b.WriteString("." + q.key)
		default:
			b.WriteString(q.key)
		}
	}
	return b.String()
}

func orRoot(path string) string {
	if path == "" {
		return "$"
	}
	return path
}
