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
  - name: any-operation-pattern
    match:
      any:
      - resources:
          kinds: [ConfigMap]
    validate:
      pattern:
        metadata:
          name: "?*"
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
			want: map[string]report.Status{"create-only": report.StatusPass, "any-operation-pattern": report.StatusPass, "api-call": report.StatusError, "old-object": report.StatusSkip},
		},
		{
			name:   "apiCall value and namespace labels",
			values: map[string]interface{}{"quota": float64(3)},
			labels: map[string]map[string]string{"default": {"team": "a"}},
			want:   map[string]report.Status{"create-only": report.StatusPass, "labelled-namespaces": report.StatusPass, "any-operation-pattern": report.StatusPass, "api-call": report.StatusFail, "old-object": report.StatusSkip},
		},
		{
			name:   "UPDATE",
			values: map[string]interface{}{"quota": float64(1), "request.operation": "UPDATE"},
			labels: map[string]map[string]string{"default": {"team": "b"}},
			want:   map[string]report.Status{"any-operation-pattern": report.StatusPass, "api-call": report.StatusPass, "old-object": report.StatusPass},
		},
		{
			// request.oldObject is the resource first, then the values
			// change it, as the Kyverno CLI's makePolicyContext orders it.
			name:   "UPDATE with a value in the old object",
			values: map[string]interface{}{"quota": float64(1), "request.operation": "UPDATE", "request.oldObject.metadata.name": "before"},
			want:   map[string]report.Status{"any-operation-pattern": report.StatusPass, "api-call": report.StatusPass, "old-object": report.StatusFail},
		},
		{
			// A pattern has no new resource to check on a DELETE: no
			// result, as Kyverno's validateResourceWithRule.
			name:   "DELETE",
			values: map[string]interface{}{"quota": float64(1), "request.operation": "DELETE"},
			want:   map[string]report.Status{"api-call": report.StatusPass, "old-object": report.StatusSkip},
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

// TestValueKey splits value names as the Kyverno CLI's AddVariable does: a
// CSV record with "." as separator.
func TestValueKey(t *testing.T) {
	for _, tc := range []struct {
		name string
		want []string
	}{
		{"request.operation", []string{"request", "operation"}},
		{`request.object.metadata.annotations."example.com/team"`, []string{"request", "object", "metadata", "annotations", "example.com/team"}},
		{`a."b.c".d`, []string{"a", "b.c", "d"}},
		{"quota", []string{"quota"}},
		// CSV cannot read a quote inside a bare field: split at every dot.
		{`a.b"c.d`, []string{"a", `b"c`, "d"}},
	} {
		if got := transform.ValueKey(tc.name); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("ValueKey(%q) = %q, want %q", tc.name, got, tc.want)
		}
	}
}

const subresourcePolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: sub
  annotations:
    pod-policies.kyverno.io/autogen-controllers: none
spec:
  rules:
  - name: exec
    match:
      any:
      - resources:
          kinds: [Pod/exec]
    validate:
      deny: {}
  - name: pods
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      deny: {}
  - name: scale
    match:
      any:
      - resources:
          kinds: [apps/v1/Deployment/scale]
    validate:
      pattern:
        spec:
          replicas: 2
`

// TestSubresources: with Options.Subresources a PodExecOptions document
// is the exec subresource of a Pod, and a Scale the scale subresource of a
// Deployment, as a Kyverno CLI values file's subresources make them;
// without, they are kinds of their own that no rule selects.
func TestSubresources(t *testing.T) {
	p, errs := policy.Parse("sub.yaml", yaml.MustParse(subresourcePolicy))
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	in := []byte(`apiVersion: v1
kind: PodExecOptions
metadata:
  name: execpod
  namespace: default
command: [sh]
---
apiVersion: autoscaling/v1
kind: Scale
metadata:
  name: web
  namespace: default
spec:
  replicas: 4
---
apiVersion: v1
kind: Pod
metadata:
  name: web
`)
	subs := []transform.Subresource{
		{APIVersion: "v1", Kind: "PodExecOptions", ParentAPIVersion: "v1", ParentKind: "Pod", Name: "exec"},
		{APIVersion: "autoscaling/v1", Kind: "Scale", ParentAPIVersion: "apps/v1", ParentKind: "Deployment", Name: "scale"},
	}
	for _, tc := range []struct {
		name string
		subs []transform.Subresource
		want []string
	}{
		{"mapped", subs, []string{"PodExecOptions/execpod sub/exec fail", "Scale/web sub/scale fail", "Pod/web sub/pods fail"}},
		{"not mapped", nil, []string{"Pod/web sub/pods fail"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			eng, err := transform.New(transform.Options{Policies: []*policy.Policy{p}, Subresources: tc.subs})
			if err != nil {
				t.Fatal(err)
			}
			out, err := eng.Render(in)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range out.Results {
				got = append(got, r.Resource.Kind+"/"+r.Resource.Name+" "+r.Policy+"/"+r.Rule+" "+string(r.Status))
			}
			if strings.Join(got, "; ") != strings.Join(tc.want, "; ") {
				t.Errorf("results %q, want %q", got, tc.want)
			}
		})
	}
}
