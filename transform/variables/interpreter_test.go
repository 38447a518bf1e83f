package variables

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"

	gojmespath "github.com/kyverno/go-jmespath"
)

// missingDataPod is request.object for TestMissingData: no labels, no
// spec.items, no initContainers.
const missingDataPod = `{
  "apiVersion": "v1", "kind": "Pod",
  "metadata": {"name": "web", "namespace": "default", "annotations": {"example.com/team": "blue"}},
  "spec": {"containers": [
    {"name": "app", "image": "nginx:1.25", "ports": [{"containerPort": 80}]},
    {"name": "side", "image": "busybox"}
  ]}
}`

// TestMissingData pins what JMESPath gives over data that is not there.
// Each row is what Kyverno v1.19.0 answered for the same expression and
// object: `kyverno apply` of a ClusterPolicy whose one mutate rule sets
// the annotation "v={{ expr }}" on the Pod above (a value, printed as
// JSON; or the error the rule failed with). notFound marks Kyverno's
// "Unknown key" error, which its engine treats apart from the others.
func TestMissingData(t *testing.T) {
	tests := []struct {
		expr     string
		want     string // the value as JSON
		err      string
		notFound bool
	}{
		// "||": a missing key on the left falls back to the right; one
		// on the right is null.
		{expr: "request.object.metadata.labels.app || 'fallback'", want: `"fallback"`},
		{expr: "request.object.spec.nope.deeper || request.object.metadata.name", want: `"web"`},
		{expr: "request.object.metadata.name || request.object.metadata.labels.app", want: `"web"`},
		{expr: "request.object.metadata.labels.app || request.object.metadata.labels.team", want: `null`},
		{expr: `request.object.metadata.labels."example.com/team" || 'none'`, want: `"none"`},
		{expr: "request.object.spec.initContainers[0].name || 'none'", want: `"none"`},
		// "&&", comparisons, pipes: a missing key is null.
		{expr: "request.object.metadata.labels.app && 'x'", want: `null`},
		{expr: "request.object.metadata.labels.app == 'x'", want: `false`},
		{expr: "request.object.metadata.labels.app == null", want: `true`},
		{expr: "request.object.metadata.labels.app | 'piped'", want: `"piped"`},
		// ... but not on the right of "&&".
		{expr: "request.object.metadata.name && request.object.metadata.labels.app", err: `Unknown key "labels" in path`, notFound: true},
		// Projections, filters and flattens over a missing list are null.
		{expr: "request.object.spec.items[].ports[]", want: `null`},
		{expr: "request.object.spec.items[].ports[] || `[]`", want: `[]`},
		{expr: "length(request.object.spec.items[].ports[] || `[]`)", want: `0`},
		{expr: "request.object.spec.initContainers[?name=='x'].image", want: `null`},
		{expr: "request.object.metadata.labels.*", want: `null`},
		{expr: "request.object.spec.volumes[*].name", want: `null`},
		{expr: "request.object.spec.containers[].ports[].containerPort", want: `[80]`},
		{expr: "request.object.spec.containers[].resources.limits.memory", want: `[]`},
		{expr: "request.object.spec.containers[?name=='app'].image", want: `["nginx:1.25"]`},
		// Functions get null for a missing argument: those that take null
		// answer, the others fail on the type, not with "Unknown key".
		{expr: "request.object.metadata.labels | values(@)", err: `Invalid type for: <nil>, expected: []jmespath.JpType{"object"}`},
		{expr: "values(request.object.metadata.labels)", err: `Invalid type for: <nil>, expected: []jmespath.JpType{"object"}`},
		{expr: "length(request.object.metadata.labels)", err: `Invalid type for: <nil>`},
		{expr: "to_upper(request.object.metadata.labels.app)", err: `Invalid type for: <nil>, expected: []jmespath.JpType{"string"}`},
		{expr: "values(request.object.metadata.labels || `{}`)", want: `[]`},
		{expr: "keys(request.object.metadata.labels || `{}`)", want: `[]`},
		{expr: "to_string(request.object.metadata.labels)", want: `"null"`},
		{expr: "not_null(request.object.metadata.labels.app, 'dflt')", want: `"dflt"`},
		{expr: "sum(request.object.spec.initContainers[].restartCount || `[]`)", err: "JMESPath function 'sum': at least one element in the array is required"},
		// Multi-selects keep a missing key as null.
		{expr: "[request.object.metadata.labels.app, 'a']", want: `[null,"a"]`},
		{expr: "{l: request.object.metadata.labels.app, n: request.object.metadata.name}", want: `{"l":null,"n":"web"}`},
		// Quoted identifiers are fields like any other.
		{expr: `request."object".metadata.annotations."example.com/team"`, want: `"blue"`},
		{expr: `request.object.metadata.annotations."example.com/team"`, want: `"blue"`},
		{expr: `request.object.metadata.labels."example.com/team"`, err: `Unknown key "labels" in path`, notFound: true},
		// A plain path: a missing key is an error, anything else that does
		// not fit is null.
		{expr: "request.object.spec.initContainers[0]", err: `Unknown key "initContainers" in path`, notFound: true},
		{expr: "request.object.spec.containers[0].nope", err: `Unknown key "nope" in path`, notFound: true},
		{expr: "request.object.spec.containers[5].name", want: `null`},
		{expr: "request.object.metadata.name.foo", want: `null`},
	}
	var obj interface{}
	if err := json.Unmarshal([]byte(missingDataPod), &obj); err != nil {
		t.Fatal(err)
	}
	ctx := NewContext()
	ctx.Set("request.object", obj)
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			e, err := ParseExpr(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.Evaluate(ctx)
			if tt.err != "" {
				if err == nil || !strings.Contains(err.Error(), tt.err) {
					t.Fatalf("error = %v (value %v), want %q", err, got, tt.err)
				}
				var nf *NotFoundError
				if errors.As(err, &nf) != tt.notFound {
					t.Fatalf("errors.As(%v, *NotFoundError) = %v, want %v", err, !tt.notFound, tt.notFound)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			b, err := json.Marshal(got)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != tt.want {
				t.Errorf("= %s, want %s", b, tt.want)
			}
		})
	}
}

// TestBuiltinFunctions holds builtinFunctions, which ParseExpr checks
// calls against, to the interpreter: each listed name is a function it
// knows, and a name it does not know is refused at parse time.
func TestBuiltinFunctions(t *testing.T) {
	unknown := func(name string) bool {
		_, err := gojmespath.Search(name+"()", nil)
		return err != nil && strings.Contains(err.Error(), "unknown function: "+name)
	}
	if !unknown("no_such_function") {
		t.Fatal("the probe does not tell an unknown function")
	}
	for name := range builtinFunctions {
		if unknown(name) {
			t.Errorf("builtinFunctions lists %s, which the interpreter does not define", name)
		}
	}
	for _, name := range []string{"no_such_function", "to_entries", "lower", "find_first"} {
		var ue *UnknownFunctionError
		if _, err := ParseExpr(name + "(@)"); !errors.As(err, &ue) || ue.Name != name {
			t.Errorf("ParseExpr(%s(@)) error = %v, want an *UnknownFunctionError", name, err)
		}
	}
}
