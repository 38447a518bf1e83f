package policy

import (
	"strings"
	"testing"
	"testing/fstest"
)

// ruleTypesPolicy has a rule of each classic type: mutate and validate on
// Pods, which autogen derives rules from, and generate and verifyImages in
// a second policy (Kyverno derives none for a generate rule).
const ruleTypesPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: types
spec:
  rules:
  - name: m
    match: {any: [{resources: {kinds: [Pod]}}]}
    mutate:
      patchStrategicMerge:
        metadata:
          labels:
            team: shop
  - name: v
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      pattern:
        metadata:
          name: "?*"
  - name: c
    match: {any: [{resources: {kinds: [Pod]}}]}
    validate:
      cel:
        expressions:
        - expression: "has(object.metadata.name)"
---
apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: not-applied
spec:
  rules:
  - name: g
    match: {any: [{resources: {kinds: [Pod]}}]}
    generate:
      apiVersion: v1
      kind: ConfigMap
      name: defaults
      namespace: "{{request.object.metadata.name}}"
      data:
        data:
          a: b
  - name: i
    match: {any: [{resources: {kinds: [Pod]}}]}
    verifyImages:
    - imageReferences: ["ghcr.io/*"]
      attestors:
      - entries:
        - keys:
            publicKeys: "-----BEGIN PUBLIC KEY-----"
`

// TestRuleType: a rule's type is classified when it is read, for the
// rules as written and the rules autogen derives from them, and a CEL
// policy's rule is Validation or Mutation.
func TestRuleType(t *testing.T) {
	set, err := LoadFS(fstest.MapFS{"p.yaml": {Data: []byte(ruleTypesPolicy)}}, ".", "test")
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]RuleType{
		"m": RuleMutation, "v": RuleValidation, "c": RuleValidation, "g": RuleGeneration, "i": RuleImageVerification,
		"autogen-m": RuleMutation, "autogen-cronjob-v": RuleValidation, "autogen-c": RuleValidation,
	}
	got := map[string]RuleType{}
	for _, p := range set.Policies {
		for _, r := range p.Rules {
			got[r.Name] = r.RuleType()
		}
	}
	for _, p := range set.Policies {
		for _, r := range p.Rules {
			if r.Autogen() != strings.HasPrefix(r.Name, "autogen-") {
				t.Errorf("rule %s: Autogen() = %v", r.Name, r.Autogen())
			}
		}
	}
	for name, typ := range want {
		if got[name] != typ {
			t.Errorf("rule %s: RuleType() = %q, want %q (all: %v)", name, got[name], typ, got)
		}
	}
	const vp = "apiVersion: policies.kyverno.io/v1\nkind: ValidatingPolicy\nmetadata: {name: vp}\nspec:\n" +
		"  matchConstraints:\n    resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: [CREATE], resources: [pods]}]\n" +
		"  validations: [{expression: 'true'}]\n"
	const mp = "apiVersion: policies.kyverno.io/v1\nkind: MutatingPolicy\nmetadata: {name: mp}\nspec:\n" +
		"  matchConstraints:\n    resourceRules: [{apiGroups: [''], apiVersions: [v1], operations: [CREATE], resources: [pods]}]\n" +
		"  mutations: [{patchType: JSONPatch, jsonPatch: {expression: '[]'}}]\n"
	for doc, typ := range map[string]RuleType{vp: RuleValidation, mp: RuleMutation} {
		rules := load(t, doc).Rules
		if len(rules) < 2 {
			t.Fatalf("%s: %d rules, want the policy's and its autogen rules", typ, len(rules))
		}
		for i, r := range rules {
			if r.RuleType() != typ {
				t.Errorf("%s rule %q: RuleType() = %q, want %q", typ, r.Name, r.RuleType(), typ)
			}
			if r.Autogen() != (i > 0) {
				t.Errorf("%s rule %q: Autogen() = %v", typ, r.Name, r.Autogen())
			}
		}
	}
}
