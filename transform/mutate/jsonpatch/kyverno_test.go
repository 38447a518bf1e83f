package jsonpatch

import (
	"encoding/json"
	"reflect"
	"testing"

	evanphx "github.com/evanphx/json-patch/v5"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"
)

// TestAgreesWithKyverno applies each patch with preadmit and with the
// library Kyverno applies patchesJson6902 with (evanphx/json-patch v5 and
// the options of pkg/engine/mutate/patch/patchJSON6902.go) and holds the
// results equal: the same document, or an error from both.
func TestAgreesWithKyverno(t *testing.T) {
	const deploy = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web # the web tier
spec:
  template:
    metadata:
      annotations:
    spec:
      containers:
        - name: web
          image: nginx # pinned
      tolerations: []
      volumes: [null]
`
	affinityTerm := `{"weight": 1, "podAffinityTerm": {"topologyKey": "kubernetes.io/hostname"}}`
	for _, tc := range []struct {
		name, resource, ops string
	}{
		{"missing parents", deploy, `[{"op":"add","path":"/spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/-","value":` + affinityTerm + `}]`},
		{"missing parents, -1", deploy, `[{"op":"add","path":"/spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/-1","value":` + affinityTerm + `}]`},
		{"-1 through a new list", deploy, `[{"op":"add","path":"/spec/template/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/-1/matchExpressions/-1","value":{"key":"zone","operator":"In","values":["a"]}}]`},
		{"- through a new list", deploy, `[{"op":"add","path":"/spec/template/spec/affinity/nodeAffinity/requiredDuringSchedulingIgnoredDuringExecution/nodeSelectorTerms/-/matchExpressions/-","value":{"key":"zone"}}]`},
		{"- through an existing list", deploy, `[{"op":"add","path":"/spec/template/spec/containers/-/name","value":"sidecar"}]`},
		{"-1 through an existing list", deploy, `[{"op":"add","path":"/spec/template/spec/containers/-1/env/-","value":{"name":"A","value":"1"}}]`},
		{"-1 through an empty list", deploy, `[{"op":"add","path":"/spec/template/spec/tolerations/-1/key","value":"a"}]`},
		{"-2 through an empty list", deploy, `[{"op":"add","path":"/spec/template/spec/tolerations/-2/key","value":"a"}]`},
		{"-2 for a new list", deploy, `[{"op":"add","path":"/spec/template/spec/x/-2/key","value":"a"}]`},
		{"index past the end of a list", deploy, `[{"op":"add","path":"/spec/template/spec/containers/3/name","value":"c"}]`},
		{"index past the end of a new list", deploy, `[{"op":"add","path":"/spec/template/spec/x/2/name","value":"c"}]`},
		{"null map value", deploy, `[{"op":"add","path":"/spec/template/metadata/annotations/a","value":"b"}]`},
		{"null list element", deploy, `[{"op":"add","path":"/spec/template/spec/volumes/0/name","value":"v"}]`},
		{"null list element, -1", deploy, `[{"op":"add","path":"/spec/template/spec/volumes/-1/name","value":"v"}]`},
		{"through a scalar", deploy, `[{"op":"add","path":"/spec/template/spec/containers/0/image/x","value":"v"}]`},
		{"key on a list", deploy, `[{"op":"add","path":"/spec/template/spec/containers/name/x","value":"v"}]`},
		{"-1 add at the end", deploy, `[{"op":"add","path":"/spec/template/spec/containers/-1","value":{"name":"last"}}]`},
		{"remove missing", deploy, `[{"op":"remove","path":"/spec/template/spec/affinity/nodeAffinity"}]`},
		{"replace missing", deploy, `[{"op":"replace","path":"/spec/template/spec/affinity","value":{}}]`},
		{"replace -1", deploy, `[{"op":"replace","path":"/spec/template/spec/containers/-1/image","value":"nginx:2"}]`},
		{"escaped new key", deploy, `[{"op":"add","path":"/metadata/labels/app.kubernetes.io~1name","value":"web"}]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, wantErr := kyvernoApply(t, tc.resource, tc.ops)
			p, err := Compile(tc.ops)
			if err != nil {
				t.Fatal(err)
			}
			node, err := yaml.Parse(tc.resource)
			if err != nil {
				t.Fatal(err)
			}
			_, err = p.Apply(node)
			switch {
			case wantErr != nil && err == nil:
				t.Fatalf("preadmit applied the patch, Kyverno fails: %v", wantErr)
			case wantErr == nil && err != nil:
				t.Fatalf("preadmit fails: %v; Kyverno gives %s", err, want)
			case err != nil:
				return
			}
			out, err := node.String()
			if err != nil {
				t.Fatal(err)
			}
			var got interface{}
			if err := sigsyaml.Unmarshal([]byte(out), &got); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, want) {
				g, _ := json.Marshal(got)
				w, _ := json.Marshal(want)
				t.Errorf("preadmit gives\n%s\nKyverno gives\n%s", g, w)
			}
		})
	}
}

func kyvernoApply(t *testing.T, resource, ops string) (interface{}, error) {
	t.Helper()
	doc, err := sigsyaml.YAMLToJSON([]byte(resource))
	if err != nil {
		t.Fatal(err)
	}
	patch, err := evanphx.DecodePatch([]byte(ops))
	if err != nil {
		t.Fatal(err)
	}
	opts := &evanphx.ApplyOptions{SupportNegativeIndices: true, AllowMissingPathOnRemove: true, EnsurePathExistsOnAdd: true}
	out, err := patch.ApplyWithOptions(doc, opts)
	if err != nil {
		return nil, err
	}
	var v interface{}
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatal(err)
	}
	return v, nil
}
