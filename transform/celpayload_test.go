package transform_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/exception"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

// jsonPolicy checks Terraform plans: matchConditions, variables and a
// validation, with a PolicyException for one plan, as in Kyverno's own
// JSON-mode tests. Its matchConstraints select Pods, which a policy in
// JSON mode ignores, as Kyverno compiles it.
const jsonPolicy = `apiVersion: policies.kyverno.io/v1
kind: ValidatingPolicy
metadata:
  name: deny-root-ca
spec:
  evaluation:
    mode: JSON
  matchConstraints:
    resourceRules:
      - apiGroups: [""]
        apiVersions: [v1]
        operations: [CREATE]
        resources: [pods]
  matchConditions:
    - name: has-ca
      expression: "object.resource_changes.exists(rc, rc.type == 'aws_acmpca_certificate_authority')"
  variables:
    - name: cas
      expression: "object.resource_changes.filter(rc, rc.type == 'aws_acmpca_certificate_authority')"
  validations:
    - expression: "variables.cas.all(rc, rc.?account.orValue('') in exceptions.allowedValues || rc.change.after.?type.orValue('SUBORDINATE') != 'ROOT' || rc.change.after.?enabled.orValue(true) == false)"
      message: Root Certificate Authorities must not be enabled.
    - expression: "request == null && oldObject == null && namespaceObject == null"
---
apiVersion: policies.kyverno.io/v1alpha1
kind: PolicyException
metadata:
  name: sandbox
spec:
  policyRefs:
    - name: deny-root-ca
      kind: ValidatingPolicy
  matchConditions:
    - name: sandbox
      expression: "object.?workspace.orValue('') == 'sandbox'"
---
apiVersion: policies.kyverno.io/v1beta1
kind: PolicyException
metadata:
  name: legacy
spec:
  expiresAt: "2020-01-01T00:00:00Z"
  policyRefs:
    - name: deny-root-ca
      kind: ValidatingPolicy
  matchConditions:
    - name: legacy
      expression: "object.?workspace.orValue('') == 'legacy'"
---
apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata:
  name: shared-accounts
spec:
  policyRefs:
    - name: deny-root-ca
      kind: ValidatingPolicy
  allowedValues: [acct-1]
  matchConditions:
    - name: shared
      expression: "object.?workspace.orValue('') == 'shared'"
`

// TestCheckPayloads: a policy in JSON evaluation mode checks each payload
// (object is the payload; request, oldObject and namespaceObject are null),
// is skipped where its matchConditions do not hold or an exception's do
// (an expired exception warns and does not apply), reads what a
// fine-grained exception allows as exceptions.allowedValues, and never
// applies to a resource.
func TestCheckPayloads(t *testing.T) {
	file := filepath.Join(t.TempDir(), "policy.yaml")
	if err := os.WriteFile(file, []byte(jsonPolicy), 0o644); err != nil {
		t.Fatal(err)
	}
	set, err := policy.LoadPaths([]string{file})
	if err != nil {
		t.Fatal(err)
	}
	xs, err := exception.LoadPaths([]string{file}, "default")
	if err != nil {
		t.Fatal(err)
	}
	eng, err := transform.New(transform.Options{Policies: set.Policies, Exceptions: xs})
	if err != nil {
		t.Fatal(err)
	}
	payload := func(s string) any {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			t.Fatal(err)
		}
		return v
	}
	root := `{"type": "aws_acmpca_certificate_authority", "change": {"after": {"type": "ROOT", "enabled": true}}}`
	got := eng.CheckPayloads([]transform.Payload{
		{Name: "root.json", Value: payload(`{"resource_changes": [` + root + `]}`)},
		{Name: "disabled.json", Value: payload(`{"resource_changes": [{"type": "aws_acmpca_certificate_authority", "change": {"after": {"type": "ROOT", "enabled": false}}}]}`)},
		{Name: "bucket.json", Value: payload(`{"resource_changes": [{"type": "aws_s3_bucket"}]}`)},
		{Name: "sandbox.json", Value: payload(`{"workspace": "sandbox", "resource_changes": [` + root + `]}`)},
		{Name: "legacy.json", Value: payload(`{"workspace": "legacy", "resource_changes": [` + root + `]}`)},
		{Name: "shared.json", Value: payload(`{"workspace": "shared", "resource_changes": [{"account": "acct-1", ` + root[1:] + `]}`)},
		{Name: "shared-other.json", Value: payload(`{"workspace": "shared", "resource_changes": [{"account": "acct-2", ` + root[1:] + `]}`)},
	})
	want := []struct {
		name    string
		status  report.Status
		message string
	}{
		{"root.json", report.StatusFail, "Root Certificate Authorities must not be enabled."},
		{"disabled.json", report.StatusPass, ""},
		{"bucket.json", report.StatusSkip, `matchCondition "has-ca" is false`},
		{"sandbox.json", report.StatusSkip, "skipped by PolicyException default/sandbox"},
		// An expired exception no longer applies, and says so.
		{"legacy.json", report.StatusWarn, "PolicyException default/legacy"},
		{"legacy.json", report.StatusFail, "Root Certificate Authorities must not be enabled."},
		{"shared.json", report.StatusPass, ""},
		{"shared-other.json", report.StatusFail, "Root Certificate Authorities must not be enabled."},
	}
	if len(got) != len(want) {
		t.Fatalf("got %d results, want %d: %+v", len(got), len(want), got)
	}
	for i, w := range want {
		g := got[i]
		if g.Resource.Name != w.name || g.Resource.Index != min(i, 4)+max(i-5, 0) || g.Policy != "deny-root-ca" || g.Status != w.status || !strings.Contains(g.Message, w.message) {
			t.Errorf("result %d = %+v, want %s %s %q", i, g, w.name, w.status, w.message)
		}
	}
	if got[0].Expression == "" || got[0].Action != report.ActionEnforce {
		t.Errorf("a failure names its expression and action: %+v", got[0])
	}

	out, err := eng.Render([]byte("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Results) != 0 {
		t.Errorf("a policy in JSON mode applied to a Pod: %+v", out.Results)
	}
}
