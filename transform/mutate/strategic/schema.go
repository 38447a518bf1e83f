package strategic

import (
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/yamlnode"
)

// schema is a node of kyaml's built-in OpenAPI schema with its lookups
// memoised. kyaml resolves "$ref"s through JSON pointers on every
// ResourceSchema.Field call, which made schema lookups the largest cost of a
// merge; each field and element is resolved once per process instead. A nil
// *schema stands for "no schema" (custom resources, unknown fields).
type schema struct {
	s *openapi.ResourceSchema

	once     sync.Once
	assoc    bool
	keys     []string
	mu       sync.Mutex
	fields   map[string]*schema
	elem     *schema
	elemDone bool
}

var (
	rootsMu sync.Mutex
	roots   = map[string]*schema{}
)

// schemaFor returns kyaml's built-in OpenAPI schema for the resource's
// apiVersion and kind, or nil for kinds it does not know (custom resources).
// Kyverno's merge (kustomize's merge2) uses the same schema, so lists merge by
// the same keys: containers by name, ports by containerPort and protocol...
func schemaFor(resource *yaml.Node) *schema {
	_, av := yamlnode.Lookup(resource, "apiVersion")
	_, k := yamlnode.Lookup(resource, "kind")
	if av == nil || k == nil || av.Kind != yaml.ScalarNode || k.Kind != yaml.ScalarNode || av.Value == "" || k.Value == "" {
		return nil
	}
	key := av.Value + "/" + k.Value
	rootsMu.Lock()
	defer rootsMu.Unlock()
	if s, ok := roots[key]; ok {
		return s
	}
	s := wrap(openapi.SchemaForResourceType(yaml.TypeMeta{APIVersion: av.Value, Kind: k.Value}))
	roots[key] = s
	return s
}

func wrap(s *openapi.ResourceSchema) *schema {
	if s == nil || s.Schema == nil {
		return nil
	}
	return &schema{s: s}
}

func fieldSchema(s *schema, name string) *schema {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if f, ok := s.fields[name]; ok {
		return f
	}
	if s.fields == nil {
		s.fields = map[string]*schema{}
	}
	f := wrap(s.s.Field(name))
	s.fields[name] = f
	return f
}

func elementSchema(s *schema) *schema {
	if s == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.elemDone {
		s.elem, s.elemDone = wrap(s.s.Elements()), true
	}
	return s.elem
}

// listStrategy tells how a list merges: associative lists merge element by
// element on keys (no keys: a set of scalars); other lists are replaced.
func listStrategy(s *schema) (associative bool, keys []string) {
	if s == nil {
		return false, nil
	}
	s.once.Do(func() {
		strategy, keys := s.s.PatchStrategyAndKeyList()
		for _, part := range strings.Split(strategy, ",") {
			if part == "merge" {
				s.assoc, s.keys = true, keys
			}
		}
	})
	return s.assoc, s.keys
}
