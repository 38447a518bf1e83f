package jsonpatch

import (
	"fmt"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/yamlnode"
)

// apply runs one operation on doc and returns the (possibly new) root.
func apply(doc *yaml.Node, op operation) (*yaml.Node, error) {
	switch op.kind {
	case "add":
		if op.path == nil {
			return deepCopy(op.value), nil
		}
		if err := ensurePath(doc, op.path); err != nil {
			return nil, err
		}
		parent, key, err := parentOf(doc, op.path)
		if err != nil {
			return nil, err
		}
		return doc, add(parent, key, deepCopy(op.value))
	case "remove":
		if op.path == nil {
			return nil, fmt.Errorf("cannot remove the whole document: %w", ErrMissing)
		}
		parent, key, err := parentOf(doc, op.path)
		if err != nil {
			return doc, nil // AllowMissingPathOnRemove
		}
		_, err = remove(parent, key, true)
		return doc, err
	case "replace":
		if op.path == nil {
			return deepCopy(op.value), nil
		}
		parent, key, err := parentOf(doc, op.path)
		if err != nil {
			return nil, err
		}
		return doc, replace(parent, key, deepCopy(op.value))
	case "test":
		got, err := get(doc, op.path)
		if err != nil {
			if isNull(op.value) {
				return doc, nil
			}
			return nil, fmt.Errorf("%w: %v", ErrTestFailed, err)
		}
		if !yamlnode.EqualJSON(got, op.value) {
			return nil, fmt.Errorf("%w: value differs", ErrTestFailed)
		}
		return doc, nil
	case "move", "copy":
		if op.from == nil && op.kind == "move" {
			return nil, fmt.Errorf("cannot move the whole document: %w", ErrMissing)
		}
		val, err := get(doc, op.from)
		if err != nil {
			return nil, fmt.Errorf("from %s: %w", op.rawFrom, err)
		}
		if op.kind == "move" {
			parent, key, err := parentOf(doc, op.from)
			if err != nil {
				return nil, err
			}
			if _, err := remove(parent, key, false); err != nil {
				return nil, err
			}
		} else {
			val = deepCopy(val)
		}
		if op.path == nil {
			return val, nil
		}
		parent, key, err := parentOf(doc, op.path)
		if err != nil {
			return nil, err
		}
		return doc, add(parent, key, val)
	}
	return nil, fmt.Errorf("unknown op %q", op.kind)
}

// get returns the node at path.
func get(doc *yaml.Node, path []string) (*yaml.Node, error) {
	n := doc
	for _, t := range path {
		next, err := child(n, t)
		if err != nil {
			return nil, err
		}
		n = next
	}
	return n, nil
}

// parentOf returns the container that holds the last token of path.
func parentOf(doc *yaml.Node, path []string) (*yaml.Node, string, error) {
	parent, err := get(doc, path[:len(path)-1])
	if err != nil {
		return nil, "", err
	}
	if parent.Kind != yaml.MappingNode && parent.Kind != yaml.SequenceNode {
		return nil, "", ErrWrongType
	}
	return parent, path[len(path)-1], nil
}

func child(n *yaml.Node, token string) (*yaml.Node, error) {
	switch n.Kind {
	case yaml.MappingNode:
		if _, v := yamlnode.Lookup(n, token); v != nil {
			return v, nil
		}
		return nil, fmt.Errorf("%w: key %q", ErrMissing, token)
	case yaml.SequenceNode:
		i, err := index(token, len(n.Content), false)
		if err != nil {
			return nil, err
		}
		return n.Content[i], nil
	}
	return nil, fmt.Errorf("%w at %q", ErrWrongType, token)
}

// index parses a list index. With forAdd, the index may equal the length
// (insert at the end); negative indexes count from the end.
func index(token string, length int, forAdd bool) (int, error) {
	size := length
	if forAdd {
		size++
	}
	i, err := strconv.Atoi(token)
	if err != nil {
		return 0, fmt.Errorf("%w: %q", ErrInvalidIndex, token)
	}
	if i < 0 {
		if i < -size {
			return 0, fmt.Errorf("%w: %d", ErrInvalidIndex, i)
		}
		i += size
	}
	if i >= size {
		return 0, fmt.Errorf("%w: %d (length %d)", ErrInvalidIndex, i, length)
	}
	return i, nil
}

func add(parent *yaml.Node, key string, val *yaml.Node) error {
	if len(parent.Content) == 0 {
		// An empty "{}" or "[]" should not force flow style on new content.
		parent.Style = 0
	}
	if parent.Kind == yaml.MappingNode {
		if i := yamlnode.Index(parent, key); i >= 0 {
			keepComment(parent.Content[i+1], val)
			parent.Content[i+1] = val
			return nil
		}
		parent.Content = append(parent.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: key}, val)
		return nil
	}
	if key == "-" {
		parent.Content = append(parent.Content, val)
		return nil
	}
	i, err := index(key, len(parent.Content), true)
	if err != nil {
		return err
	}
	parent.Content = append(parent.Content, nil)
	copy(parent.Content[i+1:], parent.Content[i:])
	parent.Content[i] = val
	return nil
}

// remove deletes key from parent. With allowMissing, a missing key or index
// is not an error.
func remove(parent *yaml.Node, key string, allowMissing bool) (*yaml.Node, error) {
	if parent.Kind == yaml.MappingNode {
		if i := yamlnode.Index(parent, key); i >= 0 {
			v := parent.Content[i+1]
			parent.Content = append(parent.Content[:i:i], parent.Content[i+2:]...)
			return v, nil
		}
		if allowMissing {
			return nil, nil
		}
		return nil, fmt.Errorf("%w: key %q", ErrMissing, key)
	}
	i, err := index(key, len(parent.Content), false)
	if err != nil {
		if allowMissing {
			if _, perr := strconv.Atoi(key); perr == nil {
				return nil, nil
			}
		}
		return nil, err
	}
	v := parent.Content[i]
	parent.Content = append(parent.Content[:i:i], parent.Content[i+1:]...)
	return v, nil
}

func replace(parent *yaml.Node, key string, val *yaml.Node) error {
	if parent.Kind == yaml.MappingNode {
		if i := yamlnode.Index(parent, key); i >= 0 {
			keepComment(parent.Content[i+1], val)
			parent.Content[i+1] = val
			return nil
		}
		return fmt.Errorf("%w: key %q", ErrMissing, key)
	}
	i, err := index(key, len(parent.Content), false)
	if err != nil {
		return err
	}
	keepComment(parent.Content[i], val)
	parent.Content[i] = val
	return nil
}

// ensurePath creates the missing parents of path as json-patch's
// EnsurePathExistsOnAdd does (evanphx/json-patch v5 ensurePathExists, with
// Kyverno's SupportNegativeIndices): a missing or null step becomes a list
// when the next token is an index or "-" (padded with nulls up to that
// index; -1 means an empty list), a map otherwise. In a list, a missing
// step is appended ("-", or an index at or past the end, padded with
// nulls), or inserted at the front for the one negative index that points
// just before it (-1 in an empty list), and a null element gets the new
// container inserted before it, as json-patch's add does.
func ensurePath(doc *yaml.Node, path []string) error {
	n := doc
	for i := 0; i < len(path)-1; i++ {
		t := path[i]
		next, err := child(n, t)
		if err == nil && !isNull(next) {
			if next.Kind != yaml.MappingNode && next.Kind != yaml.SequenceNode {
				return fmt.Errorf("%w at %q", ErrWrongType, t)
			}
			n = next
			continue
		}
		created, cerr := newContainer(path[i+1])
		if cerr != nil {
			return cerr
		}
		switch n.Kind {
		case yaml.MappingNode:
			if next != nil { // a null value: replaced where it is
				*next = *created
				created = next
				break
			}
			n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: t}, created)
		case yaml.SequenceNode:
			if ierr := insertStep(n, t, created); ierr != nil {
				return ierr
			}
		default:
			return fmt.Errorf("%w at %q", ErrWrongType, t)
		}
		n = created
	}
	return nil
}

// insertStep adds a created container to list n at token t, where no
// container was found.
func insertStep(n *yaml.Node, t string, created *yaml.Node) error {
	if t == "-" {
		n.Content = append(n.Content, created)
		return nil
	}
	idx, err := strconv.Atoi(t)
	if err != nil {
		return fmt.Errorf("%w: %q", ErrInvalidIndex, t)
	}
	if idx > maxPadding {
		return fmt.Errorf("%w: %d is beyond the %d nulls a list may be padded with", ErrInvalidIndex, idx, maxPadding)
	}
	for len(n.Content) < idx {
		n.Content = append(n.Content, nullNode())
	}
	if idx < 0 {
		idx += len(n.Content) + 1
		if idx < 0 {
			return fmt.Errorf("%w: %s (length %d)", ErrInvalidIndex, t, len(n.Content))
		}
	}
	n.Content = append(n.Content, nil)
	copy(n.Content[idx+1:], n.Content[idx:])
	n.Content[idx] = created
	return nil
}

// maxPadding bounds the nulls a created list may be padded with, so that a
// path such as /a/999999999/b is an error rather than an out-of-memory crash.
const maxPadding = 10000

func newContainer(next string) (*yaml.Node, error) {
	if next == "-" {
		return &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq}, nil
	}
	if i, err := strconv.Atoi(next); err == nil {
		if i < -1 {
			return nil, fmt.Errorf("%w: a new list takes no negative index other than -1: %d", ErrInvalidIndex, i)
		}
		if i > maxPadding {
			return nil, fmt.Errorf("%w: %d is beyond the %d nulls a new list may be padded with", ErrInvalidIndex, i, maxPadding)
		}
		s := &yaml.Node{Kind: yaml.SequenceNode, Tag: yaml.NodeTagSeq}
		for ; i > 0; i-- {
			s.Content = append(s.Content, nullNode())
		}
		return s, nil
	}
	return &yaml.Node{Kind: yaml.MappingNode, Tag: yaml.NodeTagMap}, nil
}

func nullNode() *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagNull, Value: "null"}
}

// keepComment carries the line comment of a replaced scalar over to its
// replacement, so "image: x # pinned" keeps its note.
func keepComment(old, val *yaml.Node) {
	if val.LineComment == "" && old.Kind == yaml.ScalarNode && val.Kind == yaml.ScalarNode {
		val.LineComment = old.LineComment
	}
}

func isNull(n *yaml.Node) bool {
	return n == nil || (n.Kind == yaml.ScalarNode && n.ShortTag() == yaml.NodeTagNull)
}

func deepCopy(n *yaml.Node) *yaml.Node {
	c := *n
	if n.Content != nil {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, ch := range n.Content {
			c.Content[i] = deepCopy(ch)
		}
	}
	return &c
}
