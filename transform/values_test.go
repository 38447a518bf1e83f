package transform_test

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

const valuesPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: p
spec:
  rules:
  - name: create-only
    match:
      any:
      - resources:
          kinds: [ConfigMap]
          operations: [CREATE]
    validate:
      pattern:
        metadata:
          name: "?*"
  - name: labelled-namespaces
    match:
      any:
      - resources:
          kinds: [ConfigMap]
          namespaceSelector:
            matchLabels:
              team: a
    validate:
      pattern:
        metadata:
          name: "?*"
  - name: api-call
    match:
      any:
      - resources:
          kinds: [ConfigMap]
    context:
    - name: quota
      apiCall:
        urlPath: /api/v1/namespaces
        jmesPath: items | length(@)
    validate:
      deny:
        conditions:
          any:
          - key: "{{ quota }}"
            operator: GreaterThan
            value: 2
  - name: old-object
    match:
      any:
      - resources:
          kinds: [ConfigMap]
    preconditions:
      all:
      - key: "{{ request.operation }}"
        operator: Equals
        value: UPDATE
    validate:
      deny:
        conditions:
          any:
          - key: "{{ request.oldObject.metadata.name }}"
            operator: NotEquals
            value: "{{ request.object.metadata.name }}"
`

// TestValues drives Options.Values and Options.NamespaceLabels: the hooks
// "preadmit test" uses for a Kyverno CLI values file.
func TestValues(t *testing.T) {
	cases := []struct {
		name   string
		values map[string]interface{}
		labels map[string]map[string]string
		want   map[string]report.Status // rule -> status; absent: not selected
	}{
		{
			name: "no values",
			want: map[string]report.Status{"create-only": report.StatusPass, "api-call": report.StatusError, "old-object": report.StatusSkip},
		},
		{
			name:   "apiCall value and namespace labels",
			values: map[string]interface{}{"quota": float64(3)},
			labels: map[string]map[string]string{"default": {"team": "a"}},
			want:   map[string]report.Status{"create-only": report.StatusPass, "labelled-namespaces": report.StatusPass, "api-call": report.StatusFail, "old-object": report.StatusSkip},
		},
		{
			name:   "UPDATE",
			values: map[string]interface{}{"quota": float64(1), "request.operation": "UPDATE"},
			labels: map[string]map[string]string{"default": {"team": "b"}},
			want:   map[string]report.Status{"api-call": report.StatusPass, "old-object": report.StatusPass},
		},
	}
	p, errs := policy.Parse("values.yaml", yaml.MustParse(valuesPolicy))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	set := []*policy.Policy{p}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var asked []string
			opts := transform.Options{Policies: set, NamespaceLabels: tc.labels}
			if tc.values != nil {
				opts.Values = func(v transform.ValuesFor) map[string]interface{} {
					asked = append(asked, v.Policy+"/"+v.Rule+"/"+v.Resource.Name)
					return tc.values
				}
			}
			eng, err := transform.New(opts)
			if err != nil {
				t.Fatal(err)
			}
			out, err := eng.Render([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]report.Status{}
			for _, r := range out.Results {
				got[r.Rule] = r.Status
			}
			for rule, want := range tc.want {
				if got[rule] != want {
					t.Errorf("rule %s: got %q, want %q (results %v)", rule, got[rule], want, got)
				}
			}
			for rule := range got {
				if _, ok := tc.want[rule]; !ok {
					t.Errorf("rule %s was selected (%s), want not selected", rule, got[rule])
				}
			}
			if tc.values != nil && !strings.Contains(strings.Join(asked, " "), "p/api-call/cm") {
				t.Errorf("Values was not asked about p/api-call/cm: %v", asked)
			}
		})
	}
}
