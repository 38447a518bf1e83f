package schema

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"reflect"
	"sync"
	"testing"

	"k8s.io/apiextensions-apiserver/pkg/apis/apiextensions"
	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
)

// Every embedded schema decodes strictly into props (no keyword is
// dropped) and gives the structural schema the API server builds from it:
// apiextensions/v1's decoding and conversion, then NewStructural.
func TestPropsAsAPIServer(t *testing.T) {
	files, err := fs.Glob(crds, "crds/*.json")
	if err != nil || len(files) < 2 {
		t.Fatalf("embedded schemas: %v, %v", files, err)
	}
	for _, f := range files {
		if f == "crds/"+IndexFile {
			continue
		}
		raw, err := crds.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		p, err := decodeProps(raw)
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		got, err := p.structural()
		if err != nil {
			t.Errorf("%s: %v", f, err)
			continue
		}
		var v1 apiextensionsv1.JSONSchemaProps
		if err := json.Unmarshal(raw, &v1); err != nil {
			t.Fatal(err)
		}
		var internal apiextensions.JSONSchemaProps
		if err := apiextensionsv1.Convert_v1_JSONSchemaProps_To_apiextensions_JSONSchemaProps(&v1, &internal, nil); err != nil {
			t.Fatal(err)
		}
		want, err := structuralschema.NewStructural(&internal)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s: props gives another structural schema than apiextensions/v1 and NewStructural", f)
		}
		if _, err := compile(raw); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// Every kind and version of the index has its schema file.
func TestIndex(t *testing.T) {
	idx, err := index()
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"kyverno.io/v1/ClusterPolicy", "kyverno.io/v1/Policy", "kyverno.io/v2beta1/ClusterPolicy",
		"kyverno.io/v2/PolicyException", "kyverno.io/v2beta1/PolicyException", "policies.kyverno.io/v1/ValidatingPolicy"} {
		if _, ok := idx.Kinds[k]; !ok {
			t.Errorf("%s is not in the index", k)
		}
	}
	for k, e := range idx.Kinds {
		if _, err := crds.ReadFile("crds/" + e.File); err != nil {
			t.Errorf("%s: %v", k, err)
		}
	}
	if _, ok := idx.Kinds["kyverno.io/v2alpha1/PolicyException"]; ok {
		t.Error("kyverno.io/v2alpha1 PolicyException is served: Kyverno v1.19's CRD has v2 and v2beta1")
	}
}

func TestValidate(t *testing.T) {
	const policy = `{"apiVersion":"kyverno.io/v1","kind":"ClusterPolicy","metadata":{"name":"p"%s},"spec":{%s"rules":[{"name":"r","match":{"any":[{"resources":{"kinds":["Pod"]%s}}]},%s}]}}`
	type tc struct {
		name                  string
		meta, spec, res, rule string
		want                  []FieldError
	}
	tests := []tc{
		{name: "valid", rule: `"validate":{"message":"m","pattern":{"metadata":{"labels":{"team":"?*"}}}}`},
		{name: "typo in spec", spec: `"validationFailureActon":"Enforce",`, rule: `"validate":{"deny":{}}`,
			want: []FieldError{{Path: "spec.validationFailureActon", Unknown: true, Hint: "validationFailureAction"}}},
		{name: "typo in validate", rule: `"validate":{"mesage":"m","deny":{}}`,
			want: []FieldError{{Path: "spec.rules[0].validate.mesage", Unknown: true, Hint: "message"}}},
		{name: "typo in rule", rule: `"validate":{"deny":{}},"preconditons":{"all":[]}`,
			want: []FieldError{{Path: "spec.rules[0].preconditons", Unknown: true, Hint: "preconditions"}}},
		{name: "typo in match resources", res: `,"namez":["x"]`, rule: `"validate":{"deny":{}}`,
			want: []FieldError{{Path: "spec.rules[0].match.any[0].resources.namez", Unknown: true, Hint: "name"}}},
		{name: "no near name", rule: `"validate":{"deny":{},"zzzzzzzzzz":1}`,
			want: []FieldError{{Path: "spec.rules[0].validate.zzzzzzzzzz", Unknown: true}}},
		{name: "typo in metadata", meta: `,"lables":{"a":"b"}`, rule: `"validate":{"deny":{}}`,
			want: []FieldError{{Path: "metadata.lables", Unknown: true, Hint: "labels"}}},
		{name: "wrong type", spec: `"background":"yes",`, rule: `"validate":{"deny":{}}`,
			want: []FieldError{{Path: "spec.background", Detail: `Invalid value: must be of type boolean: "string"`}}},
		{name: "enum", spec: `"failurePolicy":"Ignored",`, rule: `"validate":{"deny":{}}`,
			want: []FieldError{{Path: "spec.failurePolicy", Detail: `Unsupported value: "Ignored": supported values: "Ignore", "Fail"`}}},
		{name: "free-form pattern, mutate overlay and context data", rule: `"context":[{"name":"c","variable":{"value":{"any":{"thing":1}}}}],` +
			`"mutate":{"patchStrategicMerge":{"spec":{"whatever":{"+(x)":"y"}}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc := []byte(fmt.Sprintf(policy, tt.meta, tt.spec, tt.res, tt.rule))
			got, err := Validate("kyverno.io/v1", "ClusterPolicy", doc)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

// Prepare on one goroutine and Validate on others share one decoding of the
// schema (go test -race).
func TestValidateConcurrent(t *testing.T) {
	doc := []byte(`{"apiVersion":"kyverno.io/v1","kind":"Policy","metadata":{"name":"p"},"spec":{"rules":[],"bakground":true}}`)
	go Prepare("kyverno.io/v1", "ClusterPolicy")
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			got, err := Validate("kyverno.io/v1", "Policy", doc)
			if err != nil || len(got) != 1 || got[0].Hint != "background" {
				t.Errorf("got %v, %v", got, err)
			}
		})
	}
	wg.Wait()
}
