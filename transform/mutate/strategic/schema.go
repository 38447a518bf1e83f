package strategic

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// schemaFor returns kyaml's built-in OpenAPI schema for the resource's
// apiVersion and kind, or nil for kinds it does not know (custom resources).
// Kyverno's merge (kustomize's merge2) uses the same schema, so lists merge by
// the same keys: containers by name, ports by containerPort and protocol...
func schemaFor(resource *yaml.Node) *openapi.ResourceSchema {
	_, av := lookup(resource, "apiVersion")
	_, k := lookup(resource, "kind")
	if av == nil || k == nil || av.Kind != yaml.ScalarNode || k.Kind != yaml.ScalarNode || av.Value == "" || k.Value == "" {
		return nil
	}
	return openapi.SchemaForResourceType(yaml.TypeMeta{APIVersion: av.Value, Kind: k.Value})
}

func fieldSchema(s *openapi.ResourceSchema, name string) *openapi.ResourceSchema {
	if s == nil || s.Schema == nil {
		return nil
	}
	return s.Field(name)
}

func elementSchema(s *openapi.ResourceSchema) *openapi.ResourceSchema {
	if s == nil || s.Schema == nil {
		return nil
	}
	return s.Elements()
}

// listStrategy tells how a list merges: associative lists merge element by
// element on keys (no keys: a set of scalars); other lists are replaced.
func listStrategy(s *openapi.ResourceSchema) (associative bool, keys []string) {
	if s == nil || s.Schema == nil {
		return false, nil
	}
	strategy, keys := s.PatchStrategyAndKeyList()
	for _, part := range strings.Split(strategy, ",") {
		if part == "merge" {
			return true, keys
		}
	}
	return false, nil
}
