package transform

import (
	"reflect"
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/variables"
)

// locate returns the path ("spec.containers[1]") of the first mapping under
// root whose value equals v, a foreach element. A list such as
// "request.object.spec.[initContainers, containers][]" gives no path to
// prefix an element's failures with, so the element is found again in the
// resource. It only runs for a failing element, so the walk costs nothing on
// the common path.
func locate(root *yaml.Node, v interface{}) (string, bool) {
	m, ok := v.(map[string]interface{})
	if !ok || root == nil {
		return "", false
	}
	var walk func(n *yaml.Node, path string) (string, bool)
	walk = func(n *yaml.Node, path string) (string, bool) {
		switch n.Kind {
		case yaml.MappingNode:
			if len(n.Content)/2 == len(m) {
				if got, err := variables.FromRNode(yaml.NewRNode(n)); err == nil && reflect.DeepEqual(got, v) {
					return path, true
				}
			}
			for i := 0; i+1 < len(n.Content); i += 2 {
				if p, ok := walk(n.Content[i+1], joinPath(path, n.Content[i].Value)); ok {
					return p, true
				}
			}
		case yaml.SequenceNode:
			for i, c := range n.Content {
				if p, ok := walk(c, path+"["+strconv.Itoa(i)+"]"); ok {
					return p, true
				}
			}
		}
		return "", false
	}
	return walk(root, "")
}
