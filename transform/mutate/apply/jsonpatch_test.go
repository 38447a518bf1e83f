package apply

import (
	"encoding/json"
	"testing"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// jsonPatchCases are resources and patches on which JSONPatch, which
// patches the part of the resource the operations work in, must give what
// the whole resource patched gives.
var jsonPatchCases = []struct{ name, resource, ops string }{
	{"container fields", podJSON, `[{"op":"add","path":"/spec/containers/0/securityContext/capabilities","value":{"drop":["ALL"]}},{"op":"add","path":"/spec/containers/1/securityContext","value":{"privileged":false}}]`},
	{"one container", podJSON, `[{"op":"add","path":"/spec/containers/0/securityContext/capabilities/drop","value":["ALL"]}]`},
	{"a list element", podJSON, `[{"op":"add","path":"/spec/containers/-","value":{"name":"c","image":"x"}}]`},
	{"replace in a list", podJSON, `[{"op":"replace","path":"/spec/containers/1/image","value":"mirror/busybox"}]`},
	{"remove", podJSON, `[{"op":"remove","path":"/spec/containers/0/securityContext"}]`},
	{"an escaped key", podJSON, `[{"op":"add","path":"/metadata/annotations/example.com~1owner","value":"team"},{"op":"add","path":"/metadata/annotations/a~0b","value":"c"}]`},
	{"move across the resource", podJSON, `[{"op":"move","from":"/metadata/labels/app","path":"/spec/containers/0/name"}]`},
	{"copy within a map", podJSON, `[{"op":"copy","from":"/metadata/labels/app","path":"/metadata/labels/name"}]`},
	{"a passing test", podJSON, `[{"op":"test","path":"/spec/containers/0/name","value":"web"},{"op":"add","path":"/spec/containers/0/tty","value":true}]`},
	{"a failing test", podJSON, `[{"op":"test","path":"/spec/containers/0/name","value":"nope"},{"op":"add","path":"/spec/containers/0/tty","value":true}]`},
	{"a missing parent", podJSON, `[{"op":"add","path":"/spec/containers/0/nosuch/x","value":1}]`},
	{"an index out of range", podJSON, `[{"op":"replace","path":"/spec/containers/7/image","value":"x"}]`},
	{"a leading-zero index", podJSON, `[{"op":"replace","path":"/spec/containers/01/image","value":"x"}]`},
	{"a list as the deepest parent", podJSON, `[{"op":"add","path":"/spec/containers/0","value":{"name":"first"}}]`},
	{"a top-level key", podJSON, `[{"op":"add","path":"/status","value":{"phase":"Running"}}]`},
	{"the root", podJSON, `[{"op":"replace","path":"","value":{"apiVersion":"v1","kind":"Pod"}}]`},
	{"labels of the object and of its Pod template", deployJSON, `[{"op":"add","path":"/metadata/labels/app.kubernetes.io~1managed-by","value":"preadmit"},{"op":"add","path":"/spec/template/metadata/labels/tier","value":"web"}]`},
	{"several containers and the Pod", deployJSON, `[{"op":"add","path":"/spec/template/spec/securityContext","value":{"runAsNonRoot":true}},{"op":"add","path":"/spec/template/spec/containers/0/securityContext/privileged","value":false},{"op":"replace","path":"/spec/template/spec/containers/1/image","value":"m/b"}]`},
	{"a list grown beside an element changed", deployJSON, `[{"op":"add","path":"/spec/template/spec/containers/0/tty","value":true},{"op":"add","path":"/spec/template/spec/containers/-","value":{"name":"x"}}]`},
	{"a move across parts", deployJSON, `[{"op":"move","from":"/metadata/labels/app","path":"/spec/template/metadata/labels/app2"}]`},
	{"a failing test in one part", deployJSON, `[{"op":"add","path":"/metadata/labels/a","value":"b"},{"op":"test","path":"/spec/template/spec/containers/0/name","value":"nope"}]`},
	{"an error in one part", deployJSON, `[{"op":"add","path":"/metadata/labels/a","value":"b"},{"op":"remove","path":"/spec/template/spec/containers/0/nosuch"}]`},
	{"a new member", deployJSON, `[{"op":"add","path":"/metadata/annotations/a","value":"b"},{"op":"add","path":"/spec/template/spec/containers/0/image","value":"x"}]`},
	{"the same part twice over", deployJSON, `[{"op":"add","path":"/spec/template/spec/containers/0/a","value":1},{"op":"add","path":"/metadata/labels/a","value":"b"},{"op":"copy","from":"/spec/template/spec/containers/0/a","path":"/spec/template/spec/containers/0/b"}]`},
	{"the root replaced without a value", podJSON, `[{"op":"replace","path":""}]`},
	{"not a pointer", podJSON, `[{"op":"add","path":"spec","value":1}]`},
	{"a number kept", `{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"c"},"data":{"a":"1"},"x":{"f":1.5,"n":2}}`, `[{"op":"add","path":"/x/g","value":2.0}]`},
}

const podJSON = `{"apiVersion":"v1","kind":"Pod","metadata":{"name":"p","labels":{"app":"web"},"annotations":{"a":"b"}},
"spec":{"containers":[{"name":"web","image":"nginx","securityContext":{"runAsUser":1}},{"name":"side","image":"busybox"}]}}`

const deployJSON = `{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"d","labels":{"app":"web"}},
"spec":{"template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"web","image":"nginx","securityContext":{"runAsUser":1}},{"name":"side","image":"busybox"}]}}}}`

// TestJSONPatchAtIsTheWholePatch holds JSONPatch to the API server's
// patch of the whole resource: the same resource after, the same error.
func TestJSONPatchAtIsTheWholePatch(t *testing.T) {
	for _, tt := range jsonPatchCases {
		t.Run(tt.name, func(t *testing.T) {
			if msg := compareJSONPatch(tt.resource, tt.ops); msg != "" {
				t.Error(msg)
			}
		})
	}
}

// FuzzJSONPatchAt looks for a resource and a patch on which JSONPatch and
// the patch of the whole resource differ.
func FuzzJSONPatchAt(f *testing.F) {
	for _, tt := range jsonPatchCases {
		f.Add(tt.resource, tt.ops)
	}
	f.Fuzz(func(t *testing.T, resource, ops string) {
		if msg := compareJSONPatch(resource, ops); msg != "" {
			t.Error(msg)
		}
	})
}

// compareJSONPatch says how JSONPatch and the whole patch differ on a
// resource and a patch (JSON), "" when they do not or the input is not a
// resource and a patch.
func compareJSONPatch(resource, patch string) string {
	var live map[string]any
	var p []Op
	if utiljson.Unmarshal([]byte(resource), &live) != nil || live == nil || json.Unmarshal([]byte(patch), &p) != nil {
		return ""
	}
	whole, wholeErr := patchDoc(live, wholePatch(p))
	if len(p) == 0 {
		whole, wholeErr = live, nil
	}
	o := &Object{obj: &unstructured.Unstructured{Object: live}}
	before, _ := json.Marshal(live)
	err := o.JSONPatch(p)
	after, _ := json.Marshal(live)
	switch {
	case string(before) != string(after):
		return "the resource was changed in place"
	case (err != nil) != (wholeErr != nil) || err != nil && err.Error() != wholeErr.Error():
		return "error " + errString(err) + ", the whole patch: " + errString(wholeErr)
	case err != nil:
		return ""
	case whole == nil:
		if !equal(o.obj.Object, live) {
			return "a failed test changed the resource"
		}
	case !equal(o.obj.Object, whole):
		got, _ := json.Marshal(o.obj.Object)
		want, _ := json.Marshal(whole)
		return "got " + string(got) + "\nwant " + string(want)
	}
	return ""
}

// wholePatch is ops for the json-patch library as they are.
func wholePatch(ops []Op) jsonpatch.Patch {
	p := make(jsonpatch.Patch, 0, len(ops))
	for _, op := range ops {
		p = append(p, op.operation(op.Path, op.From))
	}
	return p
}

func errString(err error) string {
	if err == nil {
		return "none"
	}
	return err.Error()
}
