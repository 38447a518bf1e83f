package cel_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/cel"
)

func object(t *testing.T, s string) any {
	t.Helper()
	n, err := yaml.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	v, err := cel.FromNode(n.YNode())
	if err != nil {
		t.Fatal(err)
	}
	return v
}

const deployment = `
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: c
        image: nginx:1.25
        resources: {limits: {memory: 512Mi}}
`

func TestEval(t *testing.T) {
	in := cel.Input{Object: object(t, deployment), Request: map[string]any{"operation": "CREATE"}}
	vars := []struct{ name, expr string }{
		{"containers", "object.spec.template.spec.containers"},
		{"count", "size(variables.containers)"},
	}
	tests := []struct {
		expr string
		want bool
	}{
		{"object.spec.replicas <= 5", true},
		{"object.spec.replicas + 1 == 4", true},
		{"object.metadata.labels.app == 'web'", true},
		{"has(object.metadata.annotations)", false},
		{"variables.count == 1", true},
		{"variables.containers.all(c, quantity(c.resources.limits.memory).isLessThan(quantity('1Gi')))", true},
		{"isSemver('1.2.3') && ip('10.0.0.1').family() == 4", true},
		{"object.metadata.?annotations.orValue({}).size() == 0", true},
		{"object.spec.replicas.orValue(1) == 3", true},
		{"request.operation == 'CREATE' && oldObject == null", true},
		{"'a,b'.split(',').size() == 2 && sets.contains([1,2], [1])", true},
		{"cel.bind(x, 2, x * x) == 4 && math.greatest(1, 2) == 2", true},
		{"url('https://x.io/a').getHost() == 'x.io' && 'abc'.matches('^a')", true},
	}
	var compiled []cel.Variable
	for i, v := range vars {
		p, err := cel.Compile(v.expr, "spec.variables["+string(rune('0'+i))+"]")
		if err != nil {
			t.Fatal(err)
		}
		compiled = append(compiled, cel.Variable{Name: v.name, Program: p})
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			p, err := cel.Compile(tt.expr, "spec.validations[0].expression")
			if err != nil {
				t.Fatal(err)
			}
			got, err := p.Bool(cel.NewBindings(in, compiled))
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		expr, want string
		cluster    bool
	}{
		{"object.spec.replicas <", "does not compile", false},
		{"nosuch(object)", "undeclared reference", false},
		{"resource.Get('v1', 'configmaps', 'ns', 'x').data.a == 'b'", "calls resource", true},
		{"http.Get('https://x').ok", "calls http", true},
		{"authorizer.group('').resource('pods').check('get').allowed()", "calls authorizer", true},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := cel.Compile(tt.expr, "spec.validations[2].expression")
			var ce *cel.Error
			if !errors.As(err, &ce) {
				t.Fatalf("got %v, want *cel.Error", err)
			}
			if ce.NeedsCluster != tt.cluster || !strings.Contains(err.Error(), tt.want) ||
				!strings.Contains(err.Error(), "spec.validations[2].expression") {
				t.Errorf("got %v (cluster %v)", err, ce.NeedsCluster)
			}
		})
	}
}

// TestHostile: expressions that would run for long or build huge values
// end with an error, quickly.
func TestHostile(t *testing.T) {
	tests := []string{
		"[1,2,3,4,5,6,7,8,9,10].map(a, [1,2,3,4,5,6,7,8,9,10].map(b, [1,2,3,4,5,6,7,8,9,10].map(c, [1,2,3,4,5,6,7,8,9,10].map(d, [1,2,3,4,5,6,7,8,9,10].map(e, [1,2,3,4,5,6,7,8,9,10].map(f, a+b+c+d+e+f)))))).size() > 0",
		"[0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24].map(i, 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'.join([]) + 'y').map(s, s + s + s + s + s + s + s + s).map(s, s + s + s + s + s + s + s + s).map(s, s + s + s + s + s + s + s + s).map(s, s + s + s + s + s + s + s + s).size() > 0",
	}
	for _, expr := range tests {
		start := time.Now()
		p, err := cel.Compile(expr, "spec.validations[0].expression")
		if err != nil {
			continue // refused at compile time is fine too
		}
		_, err = p.Bool(cel.NewBindings(cel.Input{}, nil))
		if err == nil || !strings.Contains(err.Error(), "cost") {
			t.Errorf("%.40s...: got %v, want a cost error", expr, err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("took %v", d)
		}
	}
}

func TestBudgetAcrossExpressions(t *testing.T) {
	p, err := cel.Compile("[1,2,3,4,5,6,7,8,9,10].map(a, [1,2,3,4,5,6,7,8,9,10].map(b, [1,2,3,4,5,6,7,8,9,10].map(c, [1,2,3,4,5,6,7,8,9,10].map(d, a+b+c+d)))).size() > 0", "spec.validations[0].expression")
	if err != nil {
		t.Fatal(err)
	}
	b := cel.NewBindings(cel.Input{}, nil)
	var last error
	for i := 0; i < 1000 && last == nil; i++ {
		_, last = p.Bool(b)
	}
	if last == nil || !strings.Contains(last.Error(), "budget") {
		t.Errorf("got %v, want the budget error", last)
	}
}

// TestTypedBindings: request and namespaceObject have the types the API
// server gives them (and Kyverno, whose request has object and oldObject
// too): a field they do not have is a compile error, as in the cluster;
// their fields read as before, and a null request or namespaceObject
// compares with null.
func TestTypedBindings(t *testing.T) {
	for _, tc := range []struct {
		libs    cel.Libraries
		expr    string
		wantErr string
	}{
		{cel.APIServerLibraries, "request.operation == 'CREATE' && request.userInfo.username == ''", ""},
		{cel.APIServerLibraries, "request.opertion == 'CREATE'", "undefined field 'opertion'"},
		{cel.APIServerLibraries, "request.object.metadata.name == 'web'", "undefined field 'object'"},
		{cel.APIServerLibraries, "namespaceObject.metadata.labelz['a'] == 'b'", "undefined field 'labelz'"},
		{cel.KyvernoLibraries, "request.object.metadata.name == 'web' && request.operation == 'CREATE'", ""},
		{cel.KyvernoLibraries, "request.kind.kinds == 'Deployment'", "undefined field 'kinds'"},
		{cel.KyvernoLibraries, "request == null || namespaceObject == null", ""},
	} {
		p, err := tc.libs.Compile(tc.expr, "spec.validations[0].expression")
		if tc.wantErr != "" {
			if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
				t.Errorf("%s: error %v, want %q", tc.expr, err, tc.wantErr)
			}
			continue
		}
		if err != nil {
			t.Errorf("%s: %v", tc.expr, err)
			continue
		}
		in := cel.Input{Request: map[string]any{"operation": "CREATE", "userInfo": map[string]any{"username": ""},
			"object": object(t, deployment), "kind": map[string]any{"kind": "Deployment"}}}
		if ok, err := p.Bool(cel.NewBindings(in, nil)); err != nil || !ok {
			t.Errorf("%s = %v, %v; want true", tc.expr, ok, err)
		}
	}
}
