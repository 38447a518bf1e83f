package transform

import "testing"

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
		if got := readsObject.MatchString(tc.text); got != tc.want {
			t.Errorf("readsObject(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}
