package transform_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

// loadCEL loads policy YAML and compiles it into an engine.
func loadCEL(t testing.TB, doc string) (*transform.Engine, error) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, "policy.yaml")
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := policy.LoadPaths([]string{file})
	if err != nil {
		return nil, err
	}
	return transform.New(transform.Options{Policies: set.Policies})
}

const vpolHead = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata:
  name: broken
spec:
  matchConstraints:
    resourceRules:
      - apiGroups: [apps]
        apiVersions: [v1]
        operations: [CREATE]
        resources: [deployments]
`

// TestCELPolicyErrors: a CEL policy that cannot be compiled is a policy
// error naming the file, the policy, the field path and the expression.
func TestCELPolicyErrors(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"syntax", vpolHead + "  validations:\n    - expression: \"object.spec.replicas <\"\n",
			[]string{"policy.yaml", "policy broken", "spec.validations[0].expression", `"object.spec.replicas <"`, "does not compile"}},
		{"type", vpolHead + "  validations:\n    - expression: \"'a' + 1\"\n",
			[]string{"spec.validations[0].expression", "found no matching overload"}},
		{"not a bool", vpolHead + "  validations:\n    - expression: \"'yes'\"\n",
			[]string{"spec.validations[0].expression", "must evaluate to bool"}},
		{"variable", vpolHead + "  variables:\n    - name: x\n      expression: \"object.(\"\n  validations:\n    - expression: \"true\"\n",
			[]string{"spec.variables[0].expression"}},
		{"message expression", vpolHead + "  validations:\n    - expression: \"true\"\n      messageExpression: \"1\"\n",
			[]string{"spec.validations[0].messageExpression", "must evaluate to string"}},
		{"match condition", vpolHead + "  matchConditions:\n    - name: c\n      expression: \"object.[\"\n  validations:\n    - expression: \"true\"\n",
			[]string{"spec.matchConditions[0].expression"}},
		{"cluster library", vpolHead + "  variables:\n    - name: cm\n      expression: \"resource.Get('v1', 'configmaps', 'default', 'x')\"\n  validations:\n    - expression: \"true\"\n",
			[]string{"spec.variables[0].expression", "calls resource, which needs the cluster or the network"}},
		{"http library", vpolHead + "  validations:\n    - expression: \"http.Get('https://example.com').ok\"\n",
			[]string{"calls http, which needs the cluster or the network"}},
		{"unknown field", vpolHead + "  validationz: []\n", []string{"spec.validationz"}},
		{"unknown mode", vpolHead + "  evaluation:\n    mode: Json\n  validations:\n    - expression: \"true\"\n",
			[]string{`spec.evaluation.mode "Json": expected Kubernetes, JSON, Envoy or HTTP`}},
		{"envoy mode", vpolHead + "  evaluation:\n    mode: Envoy\n  validations:\n    - expression: \"envoy.Allowed().Response()\"\n",
			[]string{"spec.evaluation.mode Envoy: the policy checks Envoy authorization requests", "which preadmit does not evaluate"}},
		{"binding without policy", `apiVersion: admissionregistration.k8s.io/v1
kind: ValidatingAdmissionPolicyBinding
metadata:
  name: orphan
spec:
  policyName: nowhere
  validationActions: [Deny]
`, []string{`names ValidatingAdmissionPolicy "nowhere", which is not among the policies`}},
		{"mutating binding without policy", `apiVersion: admissionregistration.k8s.io/v1beta1
kind: MutatingAdmissionPolicyBinding
metadata:
  name: orphan
spec:
  policyName: nowhere
`, []string{`MutatingAdmissionPolicyBinding orphan names MutatingAdmissionPolicy "nowhere", which is not among the policies`}},
		{"validate.cel", `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: broken
spec:
  rules:
    - name: r
      match: {any: [{resources: {kinds: [Pod]}}]}
      validate:
        cel:
          expressions:
            - expression: "object.spec.("
`, []string{"policy broken, rule r", "validate.cel.expressions[0].expression"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadCEL(t, tt.doc)
			if err == nil || !policy.IsPolicyError(err) {
				t.Fatalf("got %v, want a policy error", err)
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not name %q", err, w)
				}
			}
		})
	}
}

// TestCELHostile: expressions that would run for long or build huge
// values end with an error result in bounded time, and the render fails
// closed under Deny.
func TestCELHostile(t *testing.T) {
	exprs := []string{
		// A non-terminating-in-practice comprehension: 10^6 elements.
		"[1,2,3,4,5,6,7,8,9,10].all(a, [1,2,3,4,5,6,7,8,9,10].all(b, [1,2,3,4,5,6,7,8,9,10].all(c, [1,2,3,4,5,6,7,8,9,10].all(d, [1,2,3,4,5,6,7,8,9,10].all(e, [1,2,3,4,5,6,7,8,9,10].all(f, a+b+c+d+e+f > 0))))))",
		// Huge string building.
		"[0,1,2,3,4,5,6,7,8,9].map(i, object.metadata.name + object.metadata.name).map(s, s + s + s + s + s + s + s + s).map(s, s + s + s + s + s + s + s + s).map(s, s + s + s + s + s + s + s + s).map(s, s + s + s + s + s + s + s + s).map(s, s + s + s + s + s + s + s + s).map(s, s + s + s + s + s + s + s + s).size() > 0",
	}
	for _, expr := range exprs {
		e, err := loadCEL(t, vpolHead+"  validations:\n    - expression: '"+expr+"'\n")
		if err != nil {
			t.Fatal(err)
		}
		start := time.Now()
		out, err := e.Render([]byte("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: a-rather-long-deployment-name-to-build-strings-from\nspec: {}\n"))
		if err != nil {
			t.Fatal(err)
		}
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("took %v", d)
		}
		if len(out.Results) != 1 || out.Results[0].Status != report.StatusError || !out.Results[0].Blocking ||
			!strings.Contains(out.Results[0].Message, "cost") {
			t.Errorf("%.40s...: got %+v, want one blocking error result about the cost limit", expr, out.Results)
		}
	}
}

// FuzzCELPolicy feeds arbitrary CEL expressions through the loader and a
// render: a policy error, or results, never a panic or a hang.
func FuzzCELPolicy(f *testing.F) {
	for _, s := range []string{"object.spec.replicas <= 5", "has(object.metadata.labels)", "'a' + 1", "object.(",
		"resource.Get('v1','configmaps','a','b') != null", "[1,2].all(x, x > 0)", "variables.x", "params.max > 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, expr string) {
		if strings.ContainsAny(expr, "\x00") || len(expr) > 2000 {
			return
		}
		q := strings.ReplaceAll(expr, `'`, `''`)
		e, err := loadCEL(t, vpolHead+"  validations:\n    - expression: '"+q+"'\n")
		if err != nil {
			var pe *policy.Error
			var pes policy.Errors
			if !policy.IsPolicyError(err) && !errors.As(err, &pe) && !errors.As(err, &pes) {
				t.Fatalf("not a policy error: %T %v", err, err)
			}
			return
		}
		if _, err := e.Render([]byte("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\nspec: {replicas: 2}\n")); err != nil {
			t.Fatalf("render: %v", err)
		}
	})
}
