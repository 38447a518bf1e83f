package values

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/stream"
	"github.com/preadmit/preadmit/transform/variables"
)

// ConfigMaps reads the ConfigMaps of a context file, keyed by
// "namespace/name" as transform.Options.ConfigMaps wants them; a
// ConfigMap without a namespace gets defaultNS. The file holds ConfigMap
// documents, Lists of them, or a Kyverno CLI Context
// (cli.kyverno.io/v1alpha1) whose spec.resources hold them. Other
// resources are ignored; a file without any ConfigMap is an error.
func ConfigMaps(data []byte, file, defaultNS string) (map[string]interface{}, error) {
	docs, err := stream.Read(data, stream.DefaultLimits)
	if err != nil {
		return nil, &FileError{File: file, Err: err}
	}
	out := map[string]interface{}{}
	var add func(n *yaml.RNode, field string) error
	add = func(n *yaml.RNode, field string) error {
		if n == nil || n.YNode().Kind != yaml.MappingNode {
			return nil
		}
		switch n.GetKind() {
		case "ConfigMap":
			v, err := variables.FromRNode(n)
			if err != nil {
				return &FileError{File: file, Field: field, Err: err}
			}
			ns := n.GetNamespace()
			if ns == "" {
				ns = defaultNS
			}
			out[ns+"/"+n.GetName()] = v
		case "List", "ConfigMapList", "Context":
			list := []string{"items"}
			if n.GetKind() == "Context" {
				list = []string{"spec", "resources"}
			}
			items, err := n.Pipe(yaml.Lookup(list...))
			if err != nil || items == nil || items.YNode().Kind != yaml.SequenceNode {
				return nil
			}
			for i, it := range items.YNode().Content {
				if err := add(yaml.NewRNode(it), fmt.Sprintf("%s%s[%d]", field, strings.Join(list, "."), i)); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for i, d := range docs {
		if err := add(d.Node, fmt.Sprintf("document %d: ", i)); err != nil {
			return nil, err
		}
	}
	if len(out) == 0 {
		return nil, &FileError{File: file, Err: fmt.Errorf("no ConfigMap found (expected ConfigMap documents, a List of them, or a cli.kyverno.io/v1alpha1 Context with spec.resources)")}
	}
	return out, nil
}
