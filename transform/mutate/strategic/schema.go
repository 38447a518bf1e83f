package strategic

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/listmerge"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// schemaFor returns how the lists of the resource's apiVersion and kind
// merge, from kyaml's built-in OpenAPI schema: Kyverno's merge (kustomize's
// merge2) reads the same schema, so lists merge by the same keys: containers
// by name, ports by containerPort and protocol... A custom resource has the
// zero Schema, under which every list is replaced.
func schemaFor(resource *yaml.Node) listmerge.Schema {
	_, av := yamlnode.Lookup(resource, "apiVersion")
	_, k := yamlnode.Lookup(resource, "kind")
	if av == nil || k == nil || av.Kind != yaml.ScalarNode || k.Kind != yaml.ScalarNode {
		return 0
	}
	return listmerge.For(av.Value, k.Value)
}
