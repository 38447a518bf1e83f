package stream

import (
	"fmt"

	yamlv3 "go.yaml.in/yaml/v3"
)

// checkSize measures how many nodes a document expands to when aliases are
// followed, in linear time thanks to memoising each node's expanded size, and
// rejects alias bombs and absurd nesting before any filter walks the tree.
func checkSize(root *yamlv3.Node, limits Limits) error {
	if ok, err := plainSize(root, limits, 0, new(int)); ok || err != nil {
		return err
	}
	memo := map[*yamlv3.Node]int{}
	var size func(n *yamlv3.Node, depth int) (int, error)
	size = func(n *yamlv3.Node, depth int) (int, error) {
		if depth > limits.MaxDepth {
			return 0, fmt.Errorf("document nests deeper than %d levels", limits.MaxDepth)
		}
		if n.Kind == yamlv3.AliasNode {
			if n.Alias == nil {
				return 1, nil
			}
			if v, ok := memo[n.Alias]; ok {
				return v, nil
			}
			return size(n.Alias, depth+1)
		}
		if v, ok := memo[n]; ok {
			return v, nil
		}
		memo[n] = 1 // breaks cycles through aliases to an ancestor
		if err := checkDuplicateKeys(n); err != nil {
			return 0, err
		}
		total := 1
		for _, c := range n.Content {
			s, err := size(c, depth+1)
			if err != nil {
				return 0, err
			}
			total += s
			if total > limits.MaxNodes {
				return 0, fmt.Errorf("document expands to more than %d YAML nodes through aliases (alias bomb?)", limits.MaxNodes)
			}
		}
		memo[n] = total
		return total, nil
	}
	_, err := size(root, 0)
	return err
}

// plainSize checks a document without aliases, the common case, in one walk
// with no memo. It returns false, and no error, at the first alias: the
// memoised walk then measures what the aliases expand to.
func plainSize(n *yamlv3.Node, limits Limits, depth int, count *int) (bool, error) {
	if depth > limits.MaxDepth {
		return false, fmt.Errorf("document nests deeper than %d levels", limits.MaxDepth)
	}
	if n.Kind == yamlv3.AliasNode {
		return false, nil
	}
	*count++
	if *count > limits.MaxNodes {
		return false, fmt.Errorf("document has more than %d YAML nodes", limits.MaxNodes)
	}
	if err := checkDuplicateKeys(n); err != nil {
		return false, err
	}
	for _, c := range n.Content {
		if ok, err := plainSize(c, limits, depth+1, count); !ok || err != nil {
			return ok, err
		}
	}
	return true, nil
}

// checkDuplicateKeys rejects a mapping that names a key twice. go-yaml keeps
// both in the node tree and lookups find the first, but kubectl and Helm
// (sigs.k8s.io/yaml) keep the last: a policy would check one value and the
// cluster get the other ("hostNetwork: false" then "hostNetwork: true").
func checkDuplicateKeys(n *yamlv3.Node) error {
	if n.Kind != yamlv3.MappingNode || len(n.Content) < 4 {
		return nil
	}
	keys := n.Content
	if len(keys) <= 32 {
		for i := 0; i+1 < len(keys); i += 2 {
			for j := i + 2; j+1 < len(keys); j += 2 {
				if sameKey(keys[i], keys[j]) {
					return duplicateKey(keys[i], keys[j])
				}
			}
		}
		return nil
	}
	seen := make(map[string]*yamlv3.Node, len(keys)/2)
	for i := 0; i+1 < len(keys); i += 2 {
		k := keys[i]
		if k.Kind != yamlv3.ScalarNode || k.Value == "<<" {
			continue
		}
		if prev, ok := seen[k.Value]; ok {
			return duplicateKey(prev, k)
		}
		seen[k.Value] = k
	}
	return nil
}

func sameKey(a, b *yamlv3.Node) bool {
	return a.Kind == yamlv3.ScalarNode && b.Kind == yamlv3.ScalarNode && a.Value == b.Value && a.Value != "<<"
}

func duplicateKey(first, again *yamlv3.Node) error {
	return &DuplicateKeyError{Key: again.Value, Line: again.Line, First: first.Line}
}

// DuplicateKeyError is a mapping that names a key twice.
type DuplicateKeyError struct {
	Key string
	// Line and First are the lines of the second and the first occurrence.
	Line, First int
}

func (e *DuplicateKeyError) Error() string {
	return fmt.Sprintf("duplicate key %q at line %d (first at line %d): Kubernetes keeps the last value, so a policy would check the wrong one; remove one of them", e.Key, e.Line, e.First)
}
