package transform_test

import (
	"errors"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/match"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

const requestPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: p
spec:
  rules:
  - name: admins
    match:
      any:
      - resources:
          kinds: [ConfigMap]
        clusterRoles: [cluster-admin]
    validate:
      pattern:
        metadata:
          name: "?*"
  - name: user-variables
    match:
      any:
      - resources:
          kinds: [ConfigMap]
    validate:
      deny:
        conditions:
          any:
          - key: "{{ serviceAccountNamespace }}/{{ serviceAccountName }}"
            operator: NotEquals
            value: ci/deployer
          - key: "{{ request.roles }}"
            operator: AnyNotIn
            value: ["ci:deployer"]
          - key: "{{ request.userInfo.groups }}"
            operator: AnyNotIn
            value: [deployers]
  - name: global-reference
    match:
      any:
      - resources:
          kinds: [ConfigMap]
    context:
    - name: count
      globalReference:
        name: "{{ request.namespace }}.items"
        jmesPath: length(@)
    validate:
      deny:
        conditions:
          any:
          - key: "{{ count }}"
            operator: NotEquals
            value: 2
  - name: api-call
    match:
      any:
      - resources:
          kinds: [ConfigMap]
    context:
    - name: ns
      apiCall:
        urlPath: "/api/v1/namespaces/{{ request.namespace }}"
    - name: ns
      apiCall:
        method: POST
        service:
          url: https://svc.example.com/labels
    validate:
      deny:
        conditions:
          any:
          - key: "{{ ns.metadata.name }}/{{ ns.metadata.labels.team }}"
            operator: NotEquals
            value: default/a
`

// TestRequestInfoAndMocks drives Options.UserInfo, GlobalContext and
// APICallResponses, the request info and cluster mocks of "preadmit test":
// roles in match, the request variables Kyverno sets for a user, a
// globalReference read through a projection, apiCall responses chosen by
// URL and method, merged into one object, and their errors.
func TestRequestInfoAndMocks(t *testing.T) {
	deployer := &match.UserInfo{Username: "system:serviceaccount:ci:deployer", Groups: []string{"deployers"},
		Roles: []string{"ci:deployer"}, ClusterRoles: []string{"cluster-admin"}}
	items := map[string]interface{}{"items": []interface{}{"a", "b"}}
	ns := map[string]interface{}{"metadata": map[string]interface{}{"name": "default"}}
	labels := map[string]interface{}{"metadata": map[string]interface{}{"labels": map[string]interface{}{"team": "a"}}}
	cases := []struct {
		name string
		opts transform.Options
		want map[string]report.Status // rule -> status; absent: not selected
	}{
		{
			name: "render",
			want: map[string]report.Status{"user-variables": report.StatusFail, "global-reference": report.StatusError, "api-call": report.StatusError},
		},
		{
			name: "user",
			opts: transform.Options{UserInfo: deployer},
			want: map[string]report.Status{"admins": report.StatusPass, "user-variables": report.StatusPass, "global-reference": report.StatusError, "api-call": report.StatusError},
		},
		{
			name: "empty request info",
			opts: transform.Options{UserInfo: &match.UserInfo{}},
			want: map[string]report.Status{"admins": report.StatusPass, "user-variables": report.StatusFail, "global-reference": report.StatusError, "api-call": report.StatusError},
		},
		{
			name: "mocks",
			opts: transform.Options{
				GlobalContext: map[string]transform.GlobalContextEntry{"default": {Data: items}},
				APICallResponses: []transform.APICallResponse{
					{URL: "/api/v1/namespaces/default", Body: ns},
					{URL: "https://svc.example.com/labels", Method: "GET", Body: map[string]interface{}{}},
					{URL: "https://svc.example.com/labels", Method: "POST", Body: labels},
				},
			},
			want: map[string]report.Status{"user-variables": report.StatusFail, "global-reference": report.StatusPass, "api-call": report.StatusPass},
		},
		{
			name: "mock errors",
			opts: transform.Options{
				GlobalContext: map[string]transform.GlobalContextEntry{"default": {Err: errors.New("down")}},
				APICallResponses: []transform.APICallResponse{
					{URL: "/api/v1/namespaces/default", StatusCode: 404, Body: ns},
				},
			},
			want: map[string]report.Status{"user-variables": report.StatusFail, "global-reference": report.StatusError, "api-call": report.StatusError},
		},
		{
			name: "global context without the entry",
			opts: transform.Options{GlobalContext: map[string]transform.GlobalContextEntry{"other": {Data: items}}},
			want: map[string]report.Status{"user-variables": report.StatusFail, "global-reference": report.StatusError, "api-call": report.StatusError},
		},
	}
	p, errs := policy.Parse("request.yaml", yaml.MustParse(requestPolicy))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			opts.Policies = []*policy.Policy{p}
			eng, err := transform.New(opts)
			if err != nil {
				t.Fatal(err)
			}
			out, err := eng.Render([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n"))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]report.Status{}
			msgs := map[string]string{}
			for _, r := range out.Results {
				got[r.Rule], msgs[r.Rule] = r.Status, r.Message
			}
			for rule, want := range tc.want {
				if got[rule] != want {
					t.Errorf("rule %s: got %q (%s), want %q", rule, got[rule], msgs[rule], want)
				}
			}
			for rule := range got {
				if _, ok := tc.want[rule]; !ok {
					t.Errorf("rule %s was selected (%s), want not selected", rule, got[rule])
				}
			}
		})
	}
}
