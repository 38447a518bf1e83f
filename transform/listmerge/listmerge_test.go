package listmerge

import (
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestAsKyaml walks every built-in type of kyaml's schema and the table
// side by side, through every property, map value and list element, and
// holds the table to kyaml's answers: which lists merge, by which keys.
// It fails when table.go is stale (a new kyaml): run go generate
// ./transform/listmerge.
func TestAsKyaml(t *testing.T) {
	defer openapi.ResetOpenAPI()
	openapi.ResetOpenAPI()
	if kyamlVersion != openapi.GetSchemaVersion() {
		t.Fatalf("generated from kyaml's schema %s, kyaml has %s: run go generate ./transform/listmerge", kyamlVersion, openapi.GetSchemaVersion())
	}
	w := &walk{t: t, seen: map[pair]bool{}}
	types := 0
	for _, d := range openapi.Schema().Definitions {
		exts, _ := d.Extensions["x-kubernetes-group-version-kind"].([]interface{})
		for _, e := range exts {
			m := e.(map[string]interface{})
			av := m["version"].(string)
			if g, _ := m["group"].(string); g != "" {
				av = g + "/" + av
			}
			tm := yaml.TypeMeta{APIVersion: av, Kind: m["kind"].(string)}
			rs := openapi.SchemaForResourceType(tm)
			if rs == nil {
				continue
			}
			types++
			w.compare(tm.APIVersion+" "+tm.Kind, rs, For(tm.APIVersion, tm.Kind))
		}
	}
	if types < 250 || w.merged < 40 {
		t.Fatalf("%d types, %d merged lists: kyaml's schema did not load", types, w.merged)
	}
	if s := For("example.com/v1", "Widget"); s != 0 {
		t.Errorf("a custom resource has schema %d, want none", s)
	}
}

type pair struct {
	s     Schema
	props uintptr
}

type walk struct {
	t      *testing.T
	seen   map[pair]bool
	merged int
}

func (w *walk) compare(path string, rs *openapi.ResourceSchema, s Schema) {
	if rs == nil {
		if s != 0 {
			w.t.Errorf("%s: kyaml has no schema, the table has %d", path, s)
		}
		return
	}
	if len(rs.Schema.Properties) > 0 {
		p := pair{s, reflect.ValueOf(rs.Schema.Properties).Pointer()}
		if w.seen[p] {
			return
		}
		w.seen[p] = true
	}
	strategy, keys := rs.PatchStrategyAndKeyList()
	_, key := rs.PatchStrategyAndKey()
	merge := slices.Contains(strings.Split(strategy, ","), "merge")
	if !merge {
		keys, key = nil, ""
	} else {
		w.merged++
	}
	gotMerge, gotKeys := s.Merge()
	if gotMerge != merge || len(gotKeys) != len(keys) || !slices.Equal(gotKeys, keys) || s.MergeKey() != key {
		w.t.Errorf("%s: merges %v by %q (%q), kyaml %v by %q (%q)", path, gotMerge, gotKeys, s.MergeKey(), merge, keys, key)
	}
	names := make([]string, 0, len(rs.Schema.Properties)+1)
	for name := range rs.Schema.Properties {
		names = append(names, name)
	}
	sort.Strings(names)
	names = append(names, "\x00any") // a name no schema has: a map's values
	for _, name := range names {
		w.compare(path+"."+name, rs.Field(name), s.Field(name))
	}
	w.compare(path+"[]", rs.Elements(), s.Elements())
}
