package builtinschema

import (
	"reflect"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestDefinitionsAsKyaml holds the generated definitions to those kyaml
// decodes from its bundle: after install, kyaml's schema is the same, so
// merges read the same keys. It fails when definitions.go is stale (a new
// kyaml): run go generate ./transform/builtinschema.
func TestDefinitionsAsKyaml(t *testing.T) {
	defer openapi.ResetOpenAPI()
	openapi.ResetOpenAPI()
	want := openapi.Schema().Definitions
	if kyamlVersion != openapi.GetSchemaVersion() {
		t.Fatalf("generated from kyaml's schema %s, kyaml has %s: run go generate ./transform/builtinschema", kyamlVersion, openapi.GetSchemaVersion())
	}
	openapi.ResetOpenAPI()
	install()
	got := openapi.Schema().Definitions
	if len(want) < 500 || len(got) != len(want) {
		t.Fatalf("%d definitions, kyaml has %d", len(got), len(want))
	}
	for name, w := range want {
		if !reflect.DeepEqual(got[name], w) {
			t.Errorf("definition %s differs from kyaml's: run go generate ./transform/builtinschema", name)
		}
	}
	s := openapi.SchemaForResourceType(yaml.TypeMeta{APIVersion: "apps/v1", Kind: "Deployment"})
	if s == nil {
		t.Fatal("no schema for apps/v1 Deployment")
	}
	c := s.Lookup("spec", "template", "spec", "containers")
	if strategy, keys := c.PatchStrategyAndKeyList(); strategy != "merge" || !reflect.DeepEqual(keys, []string{"name"}) {
		t.Errorf("containers merge by %s %v, want merge [name]", strategy, keys)
	}
}
