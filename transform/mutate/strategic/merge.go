package strategic

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/listmerge"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// merger merges a resolved patch into a resource in place with the rules of
// kustomize's merge2 (which Kyverno uses): maps merge field by field, a null
// deletes, "$patch: replace|delete" replace or delete, associative lists (by
// the schema's merge keys) merge element by element with new elements put
// first, other lists are replaced.
//
// Unlike merge2 it edits the resource nodes themselves, keeps existing list
// elements where they are, and appends new map keys in patch order.
type merger struct {
	targets map[*yaml.Node]*yaml.Node
	// changed is set by every edit of the resource, so that a patch the
	// resource already satisfies is told apart from one that changed it.
	changed bool
	paths   *pathArena
}

// mapping merges p into d. It reports whether p asks for d to be deleted.
func (m *merger) mapping(p, d *yaml.Node, s listmerge.Schema, path *fpath) (bool, error) {
	switch directiveOf(p) {
	case "delete":
		return true, nil
	case "replace":
		c := clean(p)
		if !yamlnode.Equal(c, d) {
			d.Content = c.Content
			m.changed = true
		}
		return false, nil
	}
	adoptStyle(d, p)
	for i := 0; i+1 < len(p.Content); i += 2 {
		k, v := p.Content[i], p.Content[i+1]
		if k.Value == directiveKey {
			continue
		}
		childPath := m.paths.field(path, k.Value)
		dk, dv := yamlnode.Lookup(d, k.Value)
		switch {
		case isNull(v):
			if dk != nil {
				removeField(d, k.Value)
				m.changed = true
			}
			continue
		case dk == nil:
			if directiveOf(v) == "delete" {
				continue
			}
			nk := copyNode(k)
			stripComments(nk)
			d.Content = append(d.Content, nk, clean(v))
			m.changed = true
			continue
		case isNull(dv):
			if directiveOf(v) == "delete" {
				removeField(d, k.Value)
				m.changed = true
				continue
			}
			setValue(d, k.Value, clean(v))
			m.changed = true
			continue
		}
		var del bool
		var err error
		switch v.Kind {
		case yaml.MappingNode:
			if dv.Kind != yaml.MappingNode {
				return false, &MergeError{Path: childPath.String(), Err: fmt.Errorf("patch has a map, resource has a %s", kindName(dv))}
			}
			del, err = m.mapping(v, dv, s.Field(k.Value), childPath)
		case yaml.SequenceNode:
			if dv.Kind != yaml.SequenceNode {
				return false, &MergeError{Path: childPath.String(), Err: fmt.Errorf("patch has a list, resource has a %s", kindName(dv))}
			}
			del, err = m.list(v, dv, s.Field(k.Value), childPath)
		case yaml.ScalarNode:
			if dv.Kind != yaml.ScalarNode {
				return false, &MergeError{Path: childPath.String(), Err: fmt.Errorf("patch has a value, resource has a %s", kindName(dv))}
			}
			if setScalar(dv, v) {
				m.changed = true
			}
		default:
			return false, &MergeError{Path: childPath.String(), Err: fmt.Errorf("unsupported patch node %s", kindName(v))}
		}
		if err != nil {
			return false, err
		}
		if del {
			removeField(d, k.Value)
			m.changed = true
		}
	}
	return false, nil
}

// list merges patch list p into resource list d. It reports whether p asks
// for d to be deleted.
func (m *merger) list(p, d *yaml.Node, s listmerge.Schema, path *fpath) (bool, error) {
	directive, elems := splitDirective(p)
	if directive == "delete" {
		return true, nil
	}
	adoptStyle(d, p)
	es := s.Elements()

	rest, err := m.boundElements(elems, d, es, path)
	if err != nil {
		return false, err
	}
	if len(elems) > 0 && len(rest) == 0 {
		return false, nil
	}

	assoc, keys := s.Merge()
	switch {
	case directive == "replace" || !assoc:
		c := cleanList(rest)
		if !yamlnode.Equal(&yaml.Node{Kind: yaml.SequenceNode, Content: c}, &yaml.Node{Kind: yaml.SequenceNode, Content: d.Content}) {
			d.Content = c
			m.changed = true
		}
	case len(keys) == 0:
		if mergeSet(d, rest) {
			m.changed = true
		}
	default:
		return false, m.keyedList(rest, d, keys, es, path)
	}
	return false, nil
}

// splitDirective separates a patch list's "$patch" directive element from
// the elements to merge.
func splitDirective(p *yaml.Node) (directive string, elems []*yaml.Node) {
	for _, e := range p.Content {
		if e.Kind == yaml.MappingNode && len(e.Content) == 2 && e.Content[0].Value == directiveKey {
			directive = e.Content[1].Value
			continue
		}
		elems = append(elems, e)
	}
	return directive, elems
}

// boundElements merges the elements expanded from anchors into the element
// of d they were bound to, and returns the other elements.
func (m *merger) boundElements(elems []*yaml.Node, d *yaml.Node, es listmerge.Schema, path *fpath) ([]*yaml.Node, error) {
	var rest []*yaml.Node
	for _, e := range elems {
		t := m.targets[e]
		if t == nil {
			rest = append(rest, e)
			continue
		}
		del, err := m.mapping(e, t, es, m.paths.at(path, indexOf(d, t)))
		if err != nil {
			return nil, err
		}
		if del {
			removeElement(d, t)
			m.changed = true
		}
	}
	return rest, nil
}

// keyedList merges the patch elements into a list the schema merges by
// keys (containers by name): an element whose keys match one of d merges
// into it, a new one goes before the existing elements.
func (m *merger) keyedList(rest []*yaml.Node, d *yaml.Node, keys []string, es listmerge.Schema, path *fpath) error {
	if err := checkMapElements(d.Content, keys, path); err != nil {
		return err
	}
	var added []*yaml.Node
	for i, e := range rest {
		if e.Kind != yaml.MappingNode {
			return &MergeError{Path: path.at(i).String(), Err: fmt.Errorf("list merged by %v needs map elements, patch has a %s", keys, kindName(e))}
		}
		ids := keyValues(e, keys)
		if allEmpty(ids) {
			if !containsEqual(d.Content, e) && !containsEqual(added, e) && directiveOf(e) != "delete" {
				added = append(added, clean(e))
			}
			continue
		}
		target := findByKeys(d.Content, keys, ids)
		if target == nil {
			if directiveOf(e) == "delete" {
				continue
			}
			if prev := findByKeys(added, keys, ids); prev != nil {
				if _, err := m.mapping(e, prev, es, m.paths.at(path, i)); err != nil {
					return err
				}
				continue
			}
			added = append(added, clean(e))
			continue
		}
		del, err := m.mapping(e, target, es, m.paths.at(path, indexOf(d, target)))
		if err != nil {
			return err
		}
		if del {
			removeElement(d, target)
			m.changed = true
		}
	}
	if len(added) > 0 {
		// kustomize's merge2, with the ListPrepend option Kyverno gets,
		// puts new elements before the existing ones.
		d.Content = append(added, d.Content...)
		m.changed = true
	}
	return nil
}

// mergeSet merges a list of scalars that the schema marks as associative
// without keys (finalizers): new values go first, in patch order.
func mergeSet(d *yaml.Node, patch []*yaml.Node) bool {
	var added []*yaml.Node
	for _, e := range patch {
		if containsEqual(d.Content, e) || containsEqual(added, e) {
			continue
		}
		added = append(added, clean(e))
	}
	if len(added) > 0 {
		d.Content = append(added, d.Content...)
	}
	return len(added) > 0
}

func directiveOf(n *yaml.Node) string {
	if n == nil || n.Kind != yaml.MappingNode {
		return ""
	}
	if _, v := yamlnode.Lookup(n, directiveKey); v != nil {
		return v.Value
	}
	return ""
}

// clean prepares patch content for insertion into a resource: it drops
// "$patch" directives and maps marked for deletion, and the policy's comments.
func clean(n *yaml.Node) *yaml.Node {
	c := copyNode(n)
	stripComments(c)
	dropDirectives(c)
	return c
}

func cleanList(elems []*yaml.Node) []*yaml.Node {
	out := make([]*yaml.Node, 0, len(elems))
	for _, e := range elems {
		if directiveOf(e) == "delete" {
			continue
		}
		out = append(out, clean(e))
	}
	return out
}

func dropDirectives(n *yaml.Node) {
	switch n.Kind {
	case yaml.MappingNode:
		out := n.Content[:0]
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Value == directiveKey || directiveOf(v) == "delete" || isNull(v) {
				continue
			}
			dropDirectives(v)
			out = append(out, k, v)
		}
		n.Content = out
	case yaml.SequenceNode:
		out := n.Content[:0]
		for _, e := range n.Content {
			if directiveOf(e) == "delete" || (e.Kind == yaml.MappingNode && len(e.Content) == 2 && e.Content[0].Value == directiveKey) {
				continue
			}
			dropDirectives(e)
			out = append(out, e)
		}
		n.Content = out
	}
}

// setScalar gives resource scalar d the value of patch scalar p, keeping d's
// comments and, like merge2, d's style; a quoted style is dropped when the
// new value is not a string, or it would turn into one. It reports whether
// d changed.
func setScalar(d, p *yaml.Node) bool {
	if d.Value == p.Value && d.ShortTag() == p.ShortTag() {
		return false
	}
	if p.ShortTag() != yaml.NodeTagString || strings.Contains(p.Value, "\n") {
		d.Style = p.Style
	}
	d.Value, d.Tag = p.Value, p.Tag
	return true
}

// adoptStyle gives an empty resource map or list the patch's style, as
// merge2 does, so that merged content is not forced into flow style by "{}".
func adoptStyle(d, p *yaml.Node) {
	if len(d.Content) == 0 {
		d.Style = p.Style
	}
}

func setValue(m *yaml.Node, key string, v *yaml.Node) {
	if i := yamlnode.Index(m, key); i >= 0 {
		v.LineComment = m.Content[i+1].LineComment
		m.Content[i+1] = v
	}
}

func keyValues(e *yaml.Node, keys []string) []string {
	ids := make([]string, len(keys))
	for i, k := range keys {
		if _, v := yamlnode.Lookup(e, k); v != nil && v.Kind == yaml.ScalarNode && !isNull(v) {
			ids[i] = v.Value
		}
	}
	return ids
}

func allEmpty(ids []string) bool {
	for _, id := range ids {
		if id != "" {
			return false
		}
	}
	return true
}

// findByKeys returns the element whose merge keys match ids. As in kyaml,
// a key missing on one side does not prevent a match (a port without
// protocol matches the same port with protocol TCP), but at least one key
// must be equal.
func findByKeys(elems []*yaml.Node, keys, ids []string) *yaml.Node {
	for _, e := range elems {
		if e.Kind != yaml.MappingNode {
			continue
		}
		vals := keyValues(e, keys)
		common, conflict := false, false
		for i := range ids {
			switch {
			case ids[i] == "" || vals[i] == "":
			case ids[i] == vals[i]:
				common = true
			default:
				conflict = true
			}
		}
		if common && !conflict {
			return e
		}
	}
	return nil
}

func containsEqual(elems []*yaml.Node, n *yaml.Node) bool {
	for _, e := range elems {
		if yamlnode.Equal(e, n) {
			return true
		}
	}
	return false
}

func indexOf(list, elem *yaml.Node) int {
	for i, e := range list.Content {
		if e == elem {
			return i
		}
	}
	return -1
}

func removeElement(list, elem *yaml.Node) {
	if i := indexOf(list, elem); i >= 0 {
		list.Content = append(list.Content[:i:i], list.Content[i+1:]...)
	}
}

// checkMapElements rejects a list merged by keys (containers by name) that
// holds something other than maps: its elements could not be told apart,
// and merging would split or lose them. Such a resource is invalid anyway.
func checkMapElements(elems []*yaml.Node, keys []string, path *fpath) error {
	if len(keys) == 0 {
		return nil
	}
	for i, e := range elems {
		if e.Kind != yaml.MappingNode {
			return &MergeError{Path: path.at(i).String(), Err: fmt.Errorf("list merged by %v holds a %s: each element must be a map", keys, kindName(e))}
		}
	}
	return nil
}
