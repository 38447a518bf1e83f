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
	for _, c := range n.Content {
		if ok, err := plainSize(c, limits, depth+1, count); !ok || err != nil {
			return ok, err
		}
	}
	return true, nil
}
