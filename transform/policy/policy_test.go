package policy

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/preadmit/preadmit/transform/report"
)

// Failure actions are case-insensitive, as in Kyverno; Warn and anything
// else is not a policy's to give.
func TestParseAction(t *testing.T) {
	for in, want := range map[string]report.Action{
		"Audit": report.ActionAudit, "audit": report.ActionAudit, "AUDIT": report.ActionAudit,
		"Enforce": report.ActionEnforce, "enforce": report.ActionEnforce,
	} {
		got, err := ParseAction(in)
		if err != nil || got != want {
			t.Errorf("ParseAction(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, in := range []string{"Warn", "Block", ""} {
		if _, err := ParseAction(in); err == nil {
			t.Errorf("ParseAction(%q): no error", in)
		}
	}
}

const podPolicy = `apiVersion: kyverno.io/v1
kind: ClusterPolicy
metadata:
  name: p
  annotations: %s
spec:
  validationFailureAction: enforce
  rules:
  - name: r
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      failureAction: audit
      pattern:
        spec:
          containers:
          - image: "!*:latest"
  - name: s
    match:
      any:
      - resources:
          kinds: [Pod]
    validate:
      pattern:
        metadata:
          name: "?*"
`

func load(t *testing.T, doc string) *Policy {
	t.Helper()
	set, err := LoadFS(fstest.MapFS{"p.yaml": {Data: []byte(doc)}}, ".", "test")
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Policies) != 1 {
		t.Fatalf("%d policies", len(set.Policies))
	}
	return set.Policies[0]
}

// The rule's validate.failureAction wins over the policy's, which wins over
// Kyverno's default, Audit.
func TestAction(t *testing.T) {
	p := load(t, strings.Replace(podPolicy, "%s", "{}", 1))
	got := map[string]report.Action{}
	for _, r := range p.Rules {
		got[r.Name] = p.Action(r)
	}
	if got["r"] != report.ActionAudit || got["s"] != report.ActionEnforce {
		t.Errorf("actions %v", got)
	}
	if got["autogen-r"] != report.ActionAudit || got["autogen-cronjob-s"] != report.ActionEnforce {
		t.Errorf("autogen rules keep their source's action: %v", got)
	}
}

// Autogen: rules on Pods get autogen- (Deployment & co.) and
// autogen-cronjob- rules, unless the annotation says otherwise.
func TestAutogenRules(t *testing.T) {
	for _, tc := range []struct {
		annotation string
		want       []string
	}{
		{"{}", []string{"r", "s", "autogen-r", "autogen-s", "autogen-cronjob-r", "autogen-cronjob-s"}},
		{"{pod-policies.kyverno.io/autogen-controllers: none}", []string{"r", "s"}},
		{"{pod-policies.kyverno.io/autogen-controllers: CronJob}", []string{"r", "s", "autogen-cronjob-r", "autogen-cronjob-s"}},
		{"{pod-policies.kyverno.io/autogen-controllers: 'Deployment,StatefulSet'}", []string{"r", "s", "autogen-r", "autogen-s"}},
	} {
		p := load(t, strings.Replace(podPolicy, "%s", tc.annotation, 1))
		var got []string
		for _, r := range p.Rules {
			got = append(got, r.Name)
		}
		if strings.Join(sorted(got), ",") != strings.Join(sorted(tc.want), ",") {
			t.Errorf("%s: rules %v, want %v", tc.annotation, got, tc.want)
		}
	}
}

func sorted(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return out
}

// Every defect of a file is a policy error naming the file, policy and
// rule; non-policy documents are skipped in directories.
func TestLoadErrors(t *testing.T) {
	for _, tc := range []struct {
		name, doc, want string
	}{
		{"unknown-kyverno-kind", "apiVersion: kyverno.io/v1\nkind: ClusterPolicies\nmetadata: {name: x}\n", "not a Kyverno kind"},
		{"no-rules", "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: x}\nspec: {rules: []}\n", "spec.rules must be a non-empty list"},
		{"bad-action", strings.Replace(strings.Replace(podPolicy, "%s", "{}", 1), "validationFailureAction: enforce", "validationFailureAction: Warn", 1), "validationFailureAction"},
		{"no-match", "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: x}\nspec:\n  rules:\n  - name: r\n    validate: {pattern: {a: b}}\n", "match is required"},
		{"unknown-match-field", "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: x}\nspec:\n  rules:\n  - name: r\n    match: {any: [{resources: {kind: [Pod]}}]}\n    validate: {pattern: {a: b}}\n", "r"},
		{"malformed", "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\nmetadata: {name: [x\n", "malformed YAML"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadFS(fstest.MapFS{"bad.yaml": {Data: []byte(tc.doc)}}, ".", "test")
			var es Errors
			if !errors.As(err, &es) {
				t.Fatalf("error %v, want policy Errors", err)
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "bad.yaml") {
				t.Errorf("error %q lacks %q or the file name", err, tc.want)
			}
		})
	}
	set, err := LoadFS(fstest.MapFS{"resources.yaml": {Data: []byte("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n")}}, ".", "test")
	if err != nil || len(set.Policies) != 0 {
		t.Errorf("a directory's non-policy file: %v, %d policies", err, len(set.Policies))
	}
}

// A kubectl-style List of policies is read item by item; a bare YAML list
// of policies is an error that says how to write it.
func TestLoadLists(t *testing.T) {
	item := strings.ReplaceAll(strings.Replace(podPolicy, "%s", "{}", 1), "\n", "\n  ")
	set, err := LoadFS(fstest.MapFS{"list.yaml": {Data: []byte("apiVersion: v1\nkind: List\nitems:\n- " + item)}}, ".", "test")
	if err != nil || len(set.Policies) != 1 {
		t.Fatalf("List: %v, %d policies", err, len(set.Policies))
	}
	_, err = LoadFS(fstest.MapFS{"seq.yaml": {Data: []byte("- " + item)}}, ".", "test")
	if err == nil || !strings.Contains(err.Error(), "YAML list of Kyverno documents") {
		t.Errorf("bare list: %v", err)
	}
}
