package flux

import (
	"sort"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/yamlnode"
)

func itoa(i int) string { return strconv.Itoa(i) }

// at returns the node at a path of keys and "[i]" indexes.
func at(n *yaml.Node, path []string) *yaml.Node {
	for _, p := range path {
		if n == nil {
			return nil
		}
		if len(p) > 2 && p[0] == '[' && p[len(p)-1] == ']' {
			i, err := strconv.Atoi(p[1 : len(p)-1])
			if err != nil || n.Kind != yaml.SequenceNode || i >= len(n.Content) {
				return nil
			}
			n = n.Content[i]
			continue
		}
		n = yamlnode.Field(n, p)
	}
	return n
}

// sameTree compares two trees by kind, tag and value, ignoring style,
// comments and positions.
func sameTree(a, b *yaml.Node) bool {
	if a == nil || b == nil {
		return a == b
	}
	if a.Kind != b.Kind || a.Value != b.Value || a.ShortTag() != b.ShortTag() || len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !sameTree(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}

func sortStrings(s []string) { sort.Strings(s) }
