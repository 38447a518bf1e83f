package policy_test

import (
	"reflect"
	"testing"
	"testing/fstest"

	"github.com/preadmit/preadmit/transform/policy"
)

// preparsedFS is a small library: a policy with autogen rules, an anchor
// and its alias, comments, and another Kyverno document.
var preparsedFS = fstest.MapFS{
	"pods/require-labels.yaml": {Data: []byte(`# the policy
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: require-labels
  annotations:
    policies.kyverno.io/category: Best Practices
spec:
  validationFailureAction: Audit
  rules:
    - name: check-team # a rule
      match:
        any:
          - resources:
              kinds: [Pod]
      validate:
        message: &msg "label team is required"
        pattern:
          metadata:
            labels:
              team: "?*"
    - name: note
      match:
        any:
          - resources:
              kinds: [ConfigMap]
      validate:
        message: *msg
        deny: {}
---
apiVersion: kyverno.io/v2
kind: PolicyException
metadata:
  name: team-exception
  namespace: default
spec:
  exceptions:
    - policyName: require-labels
      ruleNames: [check-team]
  match:
    any:
      - resources:
          kinds: [Pod]
`)},
	"pods/kyverno-test.yaml": {Data: []byte("apiVersion: cli.kyverno.io/v1alpha1\nkind: Test\nmetadata:\n  name: t\n")},
}

// TestPreparsedAsLoaded: LoadPreparsed gives the Set LoadFS gives, but for
// Checked, aliases and shared nodes included.
func TestPreparsedAsLoaded(t *testing.T) {
	data, err := policy.Preparse(preparsedFS, ".", "lib")
	if err != nil {
		t.Fatal(err)
	}
	want, err := policy.LoadFS(preparsedFS, ".", "lib")
	if err != nil {
		t.Fatal(err)
	}
	got, err := policy.LoadPreparsed(string(data), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Policies) != 1 || len(got.Policies[0].Rules) != 4 || len(got.Others) != 1 {
		t.Fatalf("%d policies, %d others, want 1 with 4 rules (two autogen) and 1", len(got.Policies), len(got.Others))
	}
	want.Policies[0].Checked = true
	if !reflect.DeepEqual(got, want) {
		t.Fatal("LoadPreparsed differs from LoadFS")
	}
	rules := got.Policies[0].Rules
	if rules[1].Field("validate", "message").YNode().Alias == nil {
		t.Error("the alias is lost")
	}
}

// TestPreparsedKeep: a policy Keep leaves out is not decoded, and only its
// name is left; Keep sees each policy's name and annotations.
func TestPreparsedKeep(t *testing.T) {
	data, err := policy.Preparse(preparsedFS, ".", "lib")
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		keep     bool
		policies int
		left     []string
	}{
		{keep: true, policies: 1},
		{keep: false, left: []string{"require-labels"}},
	} {
		var seen []string
		got, err := policy.LoadPreparsed(string(data), func(name string, annotations map[string]string) bool {
			seen = append(seen, name+" "+annotations["policies.kyverno.io/category"])
			return tc.keep
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Policies) != tc.policies || !reflect.DeepEqual(got.Left, tc.left) || len(got.Others) != 1 {
			t.Errorf("keep %v: %d policies, left %q, %d others; want %d, %q, 1", tc.keep, len(got.Policies), got.Left, len(got.Others), tc.policies, tc.left)
		}
		if want := []string{"require-labels Best Practices"}; !reflect.DeepEqual(seen, want) {
			t.Errorf("keep was given %q, want %q", seen, want)
		}
	}
}

// FuzzLoadPreparsed: any bytes give a Set or an error, never a panic.
func FuzzLoadPreparsed(f *testing.F) {
	data, err := policy.Preparse(preparsedFS, ".", "lib")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(data))
	f.Add(string(data[:len(data)/2]))
	f.Fuzz(func(t *testing.T, s string) {
		set, err := policy.LoadPreparsed(s, nil)
		if err == nil && set == nil {
			t.Fatal("no Set and no error")
		}
	})
}
