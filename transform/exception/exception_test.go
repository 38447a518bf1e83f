package exception_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/exception"
	"github.com/preadmit/preadmit/transform/match"
)

func parse(t *testing.T, doc string) (*exception.Exception, error) {
	t.Helper()
	n, err := yaml.Parse(doc)
	if err != nil {
		t.Fatal(err)
	}
	return exception.Parse("x.yaml", n, "default")
}

const base = `apiVersion: kyverno.io/v2
kind: PolicyException
metadata:
  name: ex
`

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, doc, want string
	}{
		{"no spec", base, "spec: required"},
		{"no exceptions", base + "spec:\n  match:\n    any:\n    - resources: {kinds: [Pod]}\n", "spec.exceptions: required"},
		{"no match", base + "spec:\n  exceptions:\n  - policyName: p\n    ruleNames: [r]\n", "spec.match: required"},
		{"legacy match", base + "spec:\n  exceptions:\n  - policyName: p\n    ruleNames: [r]\n  match:\n    resources: {kinds: [Pod]}\n", "spec.match.resources: unknown field"},
		{"unknown match field", base + "spec:\n  exceptions:\n  - policyName: p\n    ruleNames: [r]\n  match:\n    any:\n    - resource: {kinds: [Pod]}\n", "spec.match.any[0].resource: unknown field (did you mean resources?)"},
		{"no policyName", base + "spec:\n  exceptions:\n  - ruleNames: [r]\n", "spec.exceptions[0].policyName: required"},
		{"no ruleNames", base + "spec:\n  exceptions:\n  - policyName: p\n", `spec.exceptions[0].ruleNames: required: the rules to except, or ["*"] for all`},
		{"ruleNames scalar", base + "spec:\n  exceptions:\n  - policyName: p\n    ruleNames: r\n", "spec.exceptions[0].ruleNames: must be a list"},
		{"unknown spec field", base + "spec:\n  exception: []\n", "spec.exception: unknown field"},
		{"bad podSecurity control", base + "spec:\n  exceptions:\n  - policyName: p\n    ruleNames: [r]\n  match:\n    any:\n    - resources: {kinds: [Pod]}\n  podSecurity:\n  - controlName: Nope\n", `spec.podSecurity[0].controlName: invalid value "Nope": unknown Pod Security Standards control`},
		{"container control without images", base + "spec:\n  exceptions:\n  - policyName: p\n    ruleNames: [r]\n  match:\n    any:\n    - resources: {kinds: [Pod]}\n  podSecurity:\n  - controlName: Capabilities\n", "spec.podSecurity[0].controlName"},
		{"bad conditions", base + "spec:\n  exceptions:\n  - policyName: p\n    ruleNames: [r]\n  match:\n    any:\n    - resources: {kinds: [Pod]}\n  conditions:\n    none: []\n", "spec.conditions.none: unknown field"},
		{"bad expiry", strings.Replace(base, "  name: ex\n", "  name: ex\n  annotations:\n    preadmit.io/expires: 31/12/2025\n", 1) + "spec: {}\n", `metadata.annotations.preadmit.io/expires: "31/12/2025" is not an RFC 3339 date`},
		{"no name", "apiVersion: kyverno.io/v2\nkind: PolicyException\nmetadata: {}\nspec: {}\n", "metadata.name: required"},
		{"not an exception", "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\n", "not a PolicyException"},
		{"cel no policyRefs", "apiVersion: policies.kyverno.io/v1\nkind: PolicyException\nmetadata: {name: ex}\nspec: {}\n", "spec.policyRefs: required"},
		{"cel policyRef kind", "apiVersion: policies.kyverno.io/v1\nkind: PolicyException\nmetadata: {name: ex}\nspec:\n  policyRefs:\n  - name: p\n", "spec.policyRefs[0].kind: required"},
		{"cel expiresAt date", "apiVersion: policies.kyverno.io/v1\nkind: PolicyException\nmetadata: {name: ex}\nspec:\n  policyRefs: [{name: p, kind: ClusterPolicy}]\n  expiresAt: 2025-12-31\n", `spec.expiresAt: "2025-12-31" is not an RFC 3339 date-time`},
		{"cel reportResult", "apiVersion: policies.kyverno.io/v1\nkind: PolicyException\nmetadata: {name: ex}\nspec:\n  policyRefs: [{name: p, kind: ClusterPolicy}]\n  reportResult: fail\n", `spec.reportResult: invalid value "fail"`},
		// Typos are errors, as kubectl apply with strict field validation
		// makes them against Kyverno's CRD schema, with the nearest name.
		{"typo in an exception", base + "spec:\n  exceptions:\n  - policyName: p\n    ruleNams: [r]\n  match:\n    any:\n    - resources: {kinds: [Pod]}\n", "spec.exceptions[0].ruleNams: unknown field (did you mean ruleNames?)"},
		{"typo in spec", base + "spec:\n  exceptions:\n  - policyName: p\n    ruleNames: [r]\n  mach:\n    any:\n    - resources: {kinds: [Pod]}\n", "spec.mach: unknown field (did you mean match?)"},
		{"typo in match resources", base + "spec:\n  exceptions:\n  - policyName: p\n    ruleNames: [r]\n  match:\n    any:\n    - resources: {kinds: [Pod], namespace: [a]}\n", "spec.match.any[0].resources.namespace: unknown field (did you mean namespaces?)"},
		{"typo in podSecurity", base + "spec:\n  exceptions:\n  - policyName: p\n    ruleNames: [r]\n  match:\n    any:\n    - resources: {kinds: [Pod]}\n  podSecurity:\n  - controlName: Capabilities\n    image: [x]\n", "spec.podSecurity[0].image: unknown field (did you mean images?)"},
		{"typos reported together", base + "spec:\n  exceptions:\n  - policyNam: p\n    ruleNames: [r]\n  mach: {}\n", "spec.exceptions[0].policyNam: unknown field (did you mean policyName?); spec.mach: unknown field (did you mean match?)"},
		{"typo in v2beta1", strings.Replace(base, "v2", "v2beta1", 1) + "spec:\n  exceptions:\n  - policyName: p\n    ruleNames: [r]\n  background: true\n  mtch: {}\n", "spec.mtch: unknown field (did you mean match?)"},
		{"typo in v2alpha1, read as v2beta1", strings.Replace(base, "v2", "v2alpha1", 1) + "spec:\n  exceptions:\n  - policyName: p\n    ruleNames: [r]\n  mtch: {}\n", "spec.mtch: unknown field (did you mean match?)"},
		{"wrong type", base + "spec:\n  background: yes please\n  exceptions:\n  - policyName: p\n    ruleNames: [r]\n  match:\n    any:\n    - resources: {kinds: [Pod]}\n", `spec.background: Invalid value: must be of type boolean: "string"`},
		{"cel typo", "apiVersion: policies.kyverno.io/v1\nkind: PolicyException\nmetadata: {name: ex}\nspec:\n  policyRefs: [{name: p, kind: ClusterPolicy}]\n  matchConditons: []\n", "spec.matchConditons: unknown field (did you mean matchConditions?)"},
		{"cel unknown field", "apiVersion: policies.kyverno.io/v1\nkind: PolicyException\nmetadata: {name: ex}\nspec:\n  policyRefs: [{name: p, kind: ClusterPolicy}]\n  match: {}\n", "spec.match: unknown field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := parse(t, tt.doc)
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			var xe *exception.Error
			if !errors.As(err, &xe) {
				t.Fatalf("%T is not an *exception.Error", err)
			}
			if !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), "policy exception error in x.yaml") {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
		})
	}
}

func TestCovers(t *testing.T) {
	x, err := parse(t, base+`  namespace: team-a
spec:
  exceptions:
  - policyName: disallow-*
    ruleNames: [host-namespaces, autogen-host-namespaces]
  - policyName: team-a/require-labels
    ruleNames: ["*"]
  match:
    any:
    - resources: {kinds: [Pod]}
`)
	if err != nil {
		t.Fatal(err)
	}
	cel, err := parse(t, `apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata: {name: refs, namespace: team-a}
spec:
  policyRefs:
  - {name: disallow-host-path, kind: ClusterPolicy}
  - {name: require-labels, kind: Policy}
`)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		x                    *exception.Exception
		kind, ns, name, rule string
		want                 bool
	}{
		{x, "ClusterPolicy", "", "disallow-host-namespaces", "host-namespaces", true},
		{x, "ClusterPolicy", "", "disallow-host-namespaces", "autogen-host-namespaces", true},
		{x, "ClusterPolicy", "", "disallow-host-namespaces", "autogen-cronjob-host-namespaces", false},
		{x, "ClusterPolicy", "", "disallow-host-path", "host-namespaces", true},
		{x, "ClusterPolicy", "", "restrict-sysctls", "host-namespaces", false},
		{x, "Policy", "team-a", "require-labels", "anything", true},
		{x, "Policy", "team-b", "require-labels", "anything", false},
		{x, "ClusterPolicy", "", "require-labels", "anything", false},
		{cel, "ClusterPolicy", "", "disallow-host-path", "autogen-host-path", true},
		{cel, "Policy", "", "disallow-host-path", "host-path", false},
		{cel, "Policy", "team-a", "require-labels", "check", true},
		{cel, "Policy", "team-b", "require-labels", "check", false},
	}
	for _, tt := range tests {
		if got := tt.x.Covers(tt.kind, tt.ns, tt.name, tt.rule); got != tt.want {
			t.Errorf("%s covers %s %s/%s rule %s = %v, want %v", tt.x.Key(), tt.kind, tt.ns, tt.name, tt.rule, got, tt.want)
		}
	}
}

func TestSelects(t *testing.T) {
	x, err := parse(t, base+`spec:
  exceptions: [{policyName: p, ruleNames: [r]}]
  match:
    any:
    - resources:
        kinds: [Deployment]
        namespaces: [delta]
        names: [important-*]
`)
	if err != nil {
		t.Fatal(err)
	}
	if x.Namespace != "default" {
		t.Errorf("namespace %q, want the default", x.Namespace)
	}
	res := func(kind, ns, name string) *match.Resource {
		return &match.Resource{APIVersion: "apps/v1", Group: "apps", Version: "v1", Kind: kind, Namespace: ns, Name: name}
	}
	for _, tt := range []struct {
		r    *match.Resource
		want bool
	}{
		{res("Deployment", "delta", "important-tool"), true},
		{res("Deployment", "echo", "important-tool"), false},
		{res("StatefulSet", "delta", "important-tool"), false},
		{res("Deployment", "delta", "tool"), false},
	} {
		if got := x.Selects(tt.r); got != tt.want {
			t.Errorf("%s %s/%s: %v, want %v", tt.r.Kind, tt.r.Namespace, tt.r.Name, got, tt.want)
		}
	}
}

func TestExpiry(t *testing.T) {
	at := func(s string) time.Time {
		t.Helper()
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	withExpiry := func(v string) *exception.Exception {
		t.Helper()
		x, err := parse(t, strings.Replace(base, "  name: ex\n", "  name: ex\n  annotations:\n    preadmit.io/expires: \""+v+"\"\n", 1)+
			"spec:\n  exceptions: [{policyName: p, ruleNames: [r]}]\n  match: {any: [{resources: {kinds: [Pod]}}]}\n")
		if err != nil {
			t.Fatal(err)
		}
		return x
	}
	tests := []struct {
		expires, now string
		expired      bool
		days         int
		lastDay      string
	}{
		{"2025-06-30", "2025-06-30T23:59:59Z", false, 0, "2025-06-30"},
		{"2025-06-30", "2025-07-01T00:00:00Z", true, -1, "2025-06-30"},
		{"2025-06-30", "2025-07-02T23:00:00Z", true, -2, "2025-06-30"},
		{"2025-06-30", "2025-07-01T10:00:00Z", true, -1, "2025-06-30"},
		{"2025-06-30", "2025-06-20T10:00:00Z", false, 10, "2025-06-30"},
		{"2025-06-30T12:00:00+02:00", "2025-06-30T09:59:59Z", false, 0, "2025-06-30T10:00:00Z"},
		{"2025-06-30T12:00:00+02:00", "2025-06-30T10:00:00Z", true, -1, "2025-06-30T10:00:00Z"},
	}
	for _, tt := range tests {
		x := withExpiry(tt.expires)
		now := at(tt.now)
		if got := x.Expired(now); got != tt.expired {
			t.Errorf("%s at %s: expired %v, want %v", tt.expires, tt.now, got, tt.expired)
		}
		if got, ok := x.DaysLeft(now); !ok || got != tt.days {
			t.Errorf("%s at %s: %d days left, want %d", tt.expires, tt.now, got, tt.days)
		}
		if got := x.LastDay(); got != tt.lastDay {
			t.Errorf("%s: last day %q, want %q", tt.expires, got, tt.lastDay)
		}
	}
	never, err := parse(t, base+"spec:\n  exceptions: [{policyName: p, ruleNames: [r]}]\n  match: {any: [{resources: {kinds: [Pod]}}]}\n")
	if err != nil {
		t.Fatal(err)
	}
	if never.Expired(at("2999-01-01T00:00:00Z")) {
		t.Error("an exception without expiry expired")
	}
	if _, ok := never.DaysLeft(at("2025-01-01T00:00:00Z")); ok {
		t.Error("an exception without expiry has days left")
	}
	if got := strings.Join(never.MissingMetadata(), ", "); got != "owner (preadmit.io/owner), reason (preadmit.io/reason), expiry (preadmit.io/expires)" {
		t.Errorf("missing metadata %q", got)
	}
}

// The earlier of spec.expiresAt and preadmit.io/expires wins.
func TestExpiresAtAndAnnotation(t *testing.T) {
	x, err := parse(t, `apiVersion: policies.kyverno.io/v1
kind: PolicyException
metadata:
  name: both
  annotations:
    preadmit.io/expires: "2025-03-31"
spec:
  policyRefs: [{name: p, kind: ClusterPolicy}]
  expiresAt: "2025-06-30T00:00:00Z"
`)
	if err != nil {
		t.Fatal(err)
	}
	if got := x.LastDay(); got != "2025-03-31" {
		t.Errorf("last day %q, want the annotation's 2025-03-31", got)
	}
}

func TestLoadPaths(t *testing.T) {
	xs, err := exception.LoadPaths([]string{"testdata/load"}, "default")
	if err != nil {
		t.Fatal(err)
	}
	var keys []string
	for _, x := range xs {
		keys = append(keys, x.Key()+" "+x.File)
	}
	want := "team-a/first testdata/load/a.yaml\nteam-a/second testdata/load/a.yaml\ndefault/nested testdata/load/sub/b.yml"
	if got := strings.Join(keys, "\n"); got != want {
		t.Errorf("loaded\n%s\nwant\n%s", got, want)
	}
	for _, tt := range []struct{ path, want string }{
		{"testdata/load/sub/none.yaml", "no PolicyException in file"},
		{"testdata/policy.yaml", "ClusterPolicy p in an exceptions file: give policies with --policy"},
		// metadata holding a list: an error, not kyaml's panic
		{"testdata/policy-bad-metadata.yaml", "ClusterPolicy  in an exceptions file"},
		{"testdata/missing.yaml", "no such file"},
	} {
		_, err := exception.LoadPaths([]string{tt.path}, "default")
		if err == nil || !strings.Contains(err.Error(), tt.want) || !isExceptionError(err) {
			t.Errorf("%s: error %v, want %q", tt.path, err, tt.want)
		}
	}
}

// What Kyverno's CRD leaves free-form (a condition's key and value) is not
// a schema error, and a valid exception of every served version parses.
func TestParseSchemaFreeForm(t *testing.T) {
	spec := "spec:\n  exceptions:\n  - policyName: p\n    ruleNames: [r]\n  match:\n    any:\n    - resources: {kinds: [Pod]}\n" +
		"  conditions:\n    any:\n    - key: {free: [form, {data: 1}]}\n      operator: AnyIn\n      value: {any: thing}\n"
	for _, v := range []string{"v2", "v2beta1", "v2alpha1"} {
		if _, err := parse(t, strings.Replace(base, "v2", v, 1)+spec); err != nil {
			t.Errorf("%s: %v", v, err)
		}
	}
}

// isExceptionError reports whether err is, or wraps, an *exception.Error or
// an exception.Errors: the types the commands tell apart.
func isExceptionError(err error) bool {
	var e *exception.Error
	var es exception.Errors
	return errors.As(err, &e) || errors.As(err, &es)
}
