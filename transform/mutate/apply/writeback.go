package apply

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/cel"
	"github.com/preadmit/preadmit/transform/variables"
)

// maxAlign bounds the pairs compared when two lists of different lengths
// are aligned; past it the list is written anew.
const maxAlign = 1 << 20

// prior is the value a node holds, when it is known: the value it was
// written from, or read from.
type prior struct {
	v  any
	ok bool
}

func (p prior) field(k string) prior {
	if m, ok := p.v.(map[string]any); ok && p.ok {
		v, ok := m[k]
		return prior{v, ok}
	}
	return prior{}
}

func (p prior) item(i, n int) prior {
	if a, ok := p.v.([]any); ok && p.ok && len(a) == n {
		return prior{a[i], true}
	}
	return prior{}
}

// same reports whether v is the very map or list the node holds (was):
// the mutations build new maps and lists where they change something and
// never change one in place, so the node holds v already.
func (p prior) same(v any) bool {
	if !p.ok {
		return false
	}
	switch t := v.(type) {
	case map[string]any:
		w, ok := p.v.(map[string]any)
		return ok && len(w) == len(t) && reflect.ValueOf(w).UnsafePointer() == reflect.ValueOf(t).UnsafePointer()
	case []any:
		w, ok := p.v.([]any)
		return ok && len(w) == len(t) && len(t) > 0 && &w[0] == &t[0]
	}
	return false
}

// writeBack makes *slot hold value v, changing only the nodes whose value
// differs: map keys keep their order (removed keys go, new keys are
// appended in sorted order), list elements are paired with the old ones
// they came from, and a replaced node keeps its comments. was is the value
// the node holds, when known: a map or list of v that is the one it holds
// is not compared again. It reports whether anything changed.
func writeBack(slot **yaml.Node, v any, was prior, depth int) (bool, error) {
	if depth > maxDepth {
		return false, fmt.Errorf("value nested deeper than %d levels", maxDepth)
	}
	if was.same(v) {
		return false, nil
	}
	n := *slot
	if n.Kind == yaml.AliasNode {
		// An alias is shared with its anchor: never write through it.
		old, err := cel.FromNode(n)
		if err != nil {
			return false, err
		}
		if equal(old, v) {
			return false, nil
		}
		return true, replace(slot, v)
	}
	switch t := v.(type) {
	case map[string]any:
		if n.Kind == yaml.MappingNode {
			return writeMap(n, t, was, depth)
		}
	case []any:
		if n.Kind == yaml.SequenceNode {
			return writeList(n, t, was, depth)
		}
	default:
		if n.Kind == yaml.ScalarNode && sameScalar(n, v) {
			return false, nil
		}
	}
	return true, replace(slot, v)
}

func writeMap(n *yaml.Node, m map[string]any, was prior, depth int) (bool, error) {
	changed := false
	seen := make(map[string]bool, len(m))
	kept := n.Content[:0]
	for i := 0; i+1 < len(n.Content); i += 2 {
		k := n.Content[i]
		key := k.Value
		if k.Kind == yaml.AliasNode && k.Alias != nil {
			key = k.Alias.Value
		}
		v, ok := m[key]
		if !ok || seen[key] {
			changed = true
			continue
		}
		seen[key] = true
		c, err := writeBack(&n.Content[i+1], v, was.field(key), depth+1)
		if err != nil {
			return false, err
		}
		changed = changed || c
		kept = append(kept, k, n.Content[i+1])
	}
	clear(n.Content[len(kept):])
	n.Content = kept
	var added []string
	for k := range m {
		if !seen[k] {
			added = append(added, k)
		}
	}
	slices.Sort(added)
	if len(added) > 0 && len(n.Content) == 0 {
		n.Style &^= yaml.FlowStyle // "{}" that gains keys is written as a block
	}
	for _, k := range added {
		c, err := variables.ToRNode(m[k])
		if err != nil {
			return false, err
		}
		n.Content = append(n.Content, &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: k}, c.YNode())
		changed = true
	}
	return changed, nil
}

func writeList(n *yaml.Node, a []any, was prior, depth int) (bool, error) {
	if len(n.Content) == len(a) {
		changed := false
		for i := range a {
			c, err := writeBack(&n.Content[i], a[i], was.item(i, len(n.Content)), depth+1)
			if err != nil {
				return false, err
			}
			changed = changed || c
		}
		return changed, nil
	}
	old := make([]string, len(n.Content))
	for i, c := range n.Content {
		v, err := cel.FromNode(c)
		if err != nil {
			return false, err
		}
		old[i] = identity(v)
	}
	now := make([]string, len(a))
	for i, v := range a {
		now[i] = identity(v)
	}
	pairs := align(old, now)
	content := make([]*yaml.Node, len(a))
	for j, v := range a {
		i, ok := pairs[j]
		if !ok {
			c, err := variables.ToRNode(v)
			if err != nil {
				return false, err
			}
			content[j] = c.YNode()
			continue
		}
		content[j] = n.Content[i]
		if _, err := writeBack(&content[j], v, was.item(i, len(n.Content)), depth+1); err != nil {
			return false, err
		}
	}
	if len(n.Content) == 0 {
		n.Style &^= yaml.FlowStyle
	}
	n.Content = content
	return true, nil
}

// identity is what pairs an element of a list before and after a
// mutation: a map's "name" (the merge key of most Kubernetes lists), or
// else the whole value. A wrong pairing costs comments, never content:
// writeBack makes each paired node equal to its new value.
func identity(v any) string {
	if m, ok := v.(map[string]any); ok {
		if name, ok := m["name"].(string); ok {
			return "name=" + name
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// align pairs the new elements with old ones of the same identity, in
// order (a longest common subsequence); it maps new index to old index.
func align(old, now []string) map[int]int {
	pairs := map[int]int{}
	if len(old)*len(now) > maxAlign {
		return pairs
	}
	// lcs[i][j] is the LCS length of old[i:] and now[j:].
	lcs := make([][]int, len(old)+1)
	for i := range lcs {
		lcs[i] = make([]int, len(now)+1)
	}
	for i := len(old) - 1; i >= 0; i-- {
		for j := len(now) - 1; j >= 0; j-- {
			if old[i] == now[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	for i, j := 0, 0; i < len(old) && j < len(now); {
		switch {
		case old[i] == now[j]:
			pairs[j] = i
			i, j = i+1, j+1
		case lcs[i+1][j] >= lcs[i][j+1]:
			i++
		default:
			j++
		}
	}
	return pairs
}

// replace puts a fresh node for v in *slot, keeping the old node's
// comments, and a quoted string's quotes when v is a string too.
func replace(slot **yaml.Node, v any) error {
	r, err := variables.ToRNode(v)
	if err != nil {
		return err
	}
	fresh, old := r.YNode(), *slot
	fresh.HeadComment, fresh.LineComment, fresh.FootComment = old.HeadComment, old.LineComment, old.FootComment
	if old.Kind == yaml.ScalarNode && old.ShortTag() == yaml.NodeTagString && fresh.ShortTag() == yaml.NodeTagString &&
		fresh.Style == 0 && old.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 {
		fresh.Style = old.Style
	}
	*slot = fresh
	return nil
}

// equal compares two unstructured values, numbers by value.
func equal(a, b any) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for k, v := range x {
			w, ok := y[k]
			if !ok || !equal(v, w) {
				return false
			}
		}
		return true
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case int64:
		switch y := b.(type) {
		case int64:
			return x == y
		case float64:
			return float64(x) == y
		}
		return false
	case float64:
		switch y := b.(type) {
		case int64:
			return x == float64(y)
		case float64:
			return x == y
		}
		return false
	}
	switch b.(type) {
	case map[string]any, []any:
		return false
	}
	return a == b
}
