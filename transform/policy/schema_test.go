package policy

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/preadmit/preadmit/transform/schema"
)

const schemaPolicy = `apiVersion: kyverno.io/%s
kind: %s
metadata:
  name: p
spec:
  validationFailureAction: Audit
  rules:
  - name: first
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      message: m
      pattern:
        metadata:
          name: "?*"
  - name: second
    match:
      any:
      - resources:
          kinds: [Pod]
    RULE
`

// A document that Kyverno's CRD schema rejects is a policy error naming
// the file, the policy, the rule, the field path and the nearest valid
// field name, as kubectl apply with strict field validation rejects it.
func TestLoadSchemaErrors(t *testing.T) {
	policy := func(version, kind, rule string) string {
		s := strings.Replace(schemaPolicy, "%s", version, 1)
		s = strings.Replace(s, "%s", kind, 1)
		return strings.Replace(s, "    RULE\n", rule, 1)
	}
	validate := "    validate:\n      deny: {}\n"
	tests := []struct {
		name, doc string
		// want are the messages, each with the file and policy before it.
		want []string
	}{
		{name: "valid", doc: policy("v1", "ClusterPolicy", validate)},
		{name: "typo in spec", doc: strings.Replace(policy("v1", "ClusterPolicy", validate), "validationFailureAction", "validationFailureActon", 1),
			want: []string{"policy p: spec.validationFailureActon: unknown field (did you mean validationFailureAction?)"}},
		{name: "typo in a rule", doc: policy("v1", "ClusterPolicy", validate+"    exclue: {}\n"),
			want: []string{"policy p, rule second: spec.rules[1].exclue: unknown field (did you mean exclude?)"}},
		{name: "typo in a validate block", doc: policy("v1", "Policy", "    validate:\n      mesage: m\n      deny: {}\n"),
			want: []string{"policy p, rule second: spec.rules[1].validate.mesage: unknown field (did you mean message?)"}},
		{name: "typo in match.any[].resources", doc: strings.Replace(policy("v2beta1", "ClusterPolicy", validate), "kinds: [Pod]", "kind: [Pod]", 1),
			want: []string{"policy p, rule first: spec.rules[0].match.any[0].resources.kind: unknown field (did you mean kinds?)"}},
		{name: "typo in a mutate foreach", doc: policy("v1", "ClusterPolicy", "    mutate:\n      foreach:\n      - lst: request.object.spec.containers\n        patchStrategicMerge: {}\n"),
			want: []string{"policy p, rule second: spec.rules[1].mutate.foreach[0].lst: unknown field (did you mean list?)"}},
		{name: "every typo at once", doc: strings.Replace(policy("v1", "ClusterPolicy", "    validate:\n      mesage: m\n      deny: {}\n"), "validationFailureAction", "validationFailureActon", 1),
			want: []string{
				"policy p, rule second: spec.rules[1].validate.mesage: unknown field (did you mean message?)",
				"policy p: spec.validationFailureActon: unknown field (did you mean validationFailureAction?)",
			}},
		{name: "wrong type", doc: strings.Replace(policy("v1", "ClusterPolicy", validate), "kinds: [Pod]", "kinds: Pod", 1),
			want: []string{`policy p, rule first: spec.rules[0].match.any[0].resources.kinds: Invalid value: must be of type array: "string"`}},
		{name: "unsupported value", doc: policy("v1", "ClusterPolicy", "    validate:\n      failureAction: Block\n      deny: {}\n"),
			want: []string{`policy p, rule second: spec.rules[1].validate.failureAction: Unsupported value: "Block": supported values: "Audit", "Enforce"`}},
		{name: "free-form: patterns, mutate overlays, context data", doc: policy("v1", "ClusterPolicy",
			"    context:\n    - name: data\n      variable:\n        value: {anything: {goes: [1, {here: true}]}}\n"+
				"    mutate:\n      patchStrategicMerge:\n        spec:\n          +(anyField): x\n          (anchor): y\n          notAKyvernoField: {z: 1}\n")},
		{name: "free-form: anyPattern, deny conditions", doc: policy("v1", "ClusterPolicy",
			"    validate:\n      anyPattern:\n      - spec: {whatever: 1}\n      - metadata: {labels: {x: \"?*\"}}\n")},
		{name: "typo in metadata", doc: strings.Replace(policy("v1", "ClusterPolicy", validate), "  name: p\n", "  name: p\n  anotations: {a: b}\n", 1),
			want: []string{"policy p: metadata.anotations: unknown field (did you mean annotations?)"}},
		{name: "CleanupPolicy", doc: "apiVersion: kyverno.io/v2\nkind: ClusterCleanupPolicy\nmetadata:\n  name: c\nspec:\n  schedule: '* * * * *'\n  match:\n    any:\n    - resources: {kinds: [Pod]}\n  conditons: {}\n",
			want: []string{"policy c: spec.conditons: unknown field (did you mean conditions?)"}},
		{name: "ValidatingPolicy", doc: "apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata:\n  name: vp\nspec:\n  validatons:\n  - expression: 'true'\n",
			want: []string{"policy vp: spec.validatons: unknown field (did you mean validations?)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "p.yaml")
			if err := os.WriteFile(file, []byte(tt.doc), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := LoadPaths([]string{file})
			var errs Errors
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if !errors.As(err, &errs) || len(errs) != len(tt.want) {
				t.Fatalf("got %v, want %d policy errors", err, len(tt.want))
			}
			for i, w := range tt.want {
				if want := "policy error in " + file + ": " + w; errs[i].Error() != want {
					t.Errorf("got  %s\nwant %s", errs[i], want)
				}
			}
		})
	}
}

// The field error is typed: a caller reads the path and hint, not the text.
func TestSchemaErrorTyped(t *testing.T) {
	file := filepath.Join(t.TempDir(), "p.yaml")
	doc := strings.Replace(strings.Replace(strings.Replace(schemaPolicy, "%s", "v1", 1), "%s", "ClusterPolicy", 1), "    RULE\n", "    validate:\n      mesage: m\n      deny: {}\n", 1)
	if err := os.WriteFile(file, []byte(doc), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := LoadPaths([]string{file})
	var errs Errors
	var fe schema.FieldError
	if !errors.As(err, &errs) || !errors.As(errs[0], &fe) || fe.Path != "spec.rules[1].validate.mesage" || !fe.Unknown || fe.Hint != "message" {
		t.Fatalf("got %#v from %v", fe, err)
	}
	if !IsPolicyError(err) {
		t.Fatal("not a policy error")
	}
}
