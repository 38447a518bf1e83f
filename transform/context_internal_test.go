package transform

import (
	"reflect"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestReadsObject: a rule whose text may reach request.object must get the
// resource in its context; only plainly unrelated expressions may skip it.
func TestReadsObject(t *testing.T) {
	for _, tc := range []struct {
		text string
		want bool
	}{
		{`key: "{{ request.object.metadata.name }}"`, true},
		{`key: "{{ request.oldObject.spec }}"`, true},
		{`key: "{{ request . object }}"`, true},
		{`key: "{{ request }}"`, true},
		{`key: "{{ request | keys(@) }}"`, true},
		{`key: "{{ request[\"object\"] }}"`, true},
		{`key: "{{ request."object" }}"`, true},
		{`jmesPath: "@"`, true},
		{`list: request.object.spec.containers`, true},
		{`key: "{{ to_string(request) }}"`, true},
		{"key: \"{{ request\n}}\"", true},
		{`key: "{{ request.operation }}"`, false},
		{`key: "{{ request.namespace }}" value: infra`, false},
		{`jmesPath: preadmit.registry`, false},
		{`key: "{{ images.containers.*.registry }}"`, false},
		{`key: "{{ serviceAccountName }}"`, false},
	} {
		if got := readsObject().MatchString(tc.text); got != tc.want {
			t.Errorf("readsObject(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

// TestMergeMaps: a context entry loaded over an object of the same name
// merges into it, recursively, as Kyverno's mergeMaps; neither input
// changes.
func TestMergeMaps(t *testing.T) {
	dst := map[string]interface{}{"a": 1, "m": map[string]interface{}{"x": 1, "y": 1}, "s": "old"}
	src := map[string]interface{}{"b": 2, "m": map[string]interface{}{"y": 2}, "s": map[string]interface{}{"new": true}}
	got := mergeMaps(dst, src)
	want := map[string]interface{}{"a": 1, "b": 2, "m": map[string]interface{}{"x": 1, "y": 2}, "s": map[string]interface{}{"new": true}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("mergeMaps = %v, want %v", got, want)
	}
	if len(dst) != 3 || len(dst["m"].(map[string]interface{})) != 2 || dst["m"].(map[string]interface{})["y"] != 1 || len(src) != 3 {
		t.Errorf("mergeMaps changed its inputs: %v, %v", dst, src)
	}
}

// TestServiceAccount is Kyverno's AddServiceAccount, which cuts the prefix
// by length, whatever the user name.
func TestServiceAccount(t *testing.T) {
	for _, tc := range []struct{ user, name, namespace string }{
		{"system:serviceaccount:ci:deployer", "deployer", "ci"},
		{"system:serviceaccount:ci:deployer:extra", "deployer", "ci"},
		{"system:serviceaccount:ci", "", ""},
		{"system:serviceaccount:", "", ""},
		{"alice", "", ""},
		{"someone@example.com:and-more:x", "x", "d-more"},
	} {
		name, ns := serviceAccount(tc.user)
		if name != tc.name || ns != tc.namespace {
			t.Errorf("serviceAccount(%q) = %q, %q; want %q, %q", tc.user, name, ns, tc.name, tc.namespace)
		}
	}
}

// TestNeedsOf reads the rule's scalar values: a quoted identifier in a
// double-quoted YAML scalar is request.\"object\" in the rule's text.
func TestNeedsOf(t *testing.T) {
	for _, tc := range []struct {
		rule string
		want need
	}{
		{`key: "{{ request.\"object\".metadata.annotations.\"example.com/team\" }}"`, needObject},
		{`key: '{{ request."object".metadata.name }}'`, needObject},
		{`key: "{{ request.operation }}"`, 0},
		{`key: "{{ images.containers.*.registry }}"`, needImages},
		{"list: &l \"{{ request.object.spec }}\"\nagain: *l", needObject},
		// Comments hold no expressions.
		{"# the images mirror-images leaves alone, @\nimage: \"{{ allowedRegistries }}\"", 0},
	} {
		if got := needsOf(yaml.MustParse(tc.rule).YNode()); got != tc.want {
			t.Errorf("needsOf(%s) = %b, want %b", tc.rule, got, tc.want)
		}
	}
}
