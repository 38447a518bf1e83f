package match

import (
	"strings"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"
)

// The Kyverno documentation's match/exclude forms
// (https://kyverno.io/docs/writing-policies/match-exclude/), each against
// resources it must and must not select.
func TestMatches(t *testing.T) {
	deploy := Resource{APIVersion: "apps/v1", Group: "apps", Version: "v1", Kind: "Deployment", Name: "web-prod", Namespace: "shop",
		Labels: map[string]string{"app": "web", "tier": "frontend"}, Annotations: map[string]string{"owner": "team-a"},
		NamespaceLabels: map[string]string{"kubernetes.io/metadata.name": "shop", "env": "prod"}}
	pod := Resource{APIVersion: "v1", Version: "v1", Kind: "Pod", Name: "db-0", Namespace: "data", Labels: map[string]string{"app": "db"}}
	role := Resource{APIVersion: "rbac.authorization.k8s.io/v1", Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRole", Name: "reader"}
	ns := Resource{APIVersion: "v1", Version: "v1", Kind: "Namespace", Name: "shop"}
	for _, tc := range []struct {
		name  string
		spec  string
		match []Resource
		miss  []Resource
	}{
		{"kind", `{any: [{resources: {kinds: [Deployment]}}]}`, []Resource{deploy}, []Resource{pod, role}},
		{"group-version-kind", `{any: [{resources: {kinds: [apps/v1/Deployment]}}]}`, []Resource{deploy}, []Resource{pod}},
		{"version-kind", `{any: [{resources: {kinds: [v1/Pod]}}]}`, []Resource{pod}, []Resource{deploy}},
		{"kind-wildcard", `{any: [{resources: {kinds: ["*"]}}]}`, []Resource{deploy, pod, role}, nil},
		{"kind-pattern", `{any: [{resources: {kinds: ["Cluster*"]}}]}`, []Resource{role}, []Resource{pod}},
		{"subresource-not-the-resource", `{any: [{resources: {kinds: [Pod/exec]}}]}`, nil, []Resource{pod}},
		{"names-wildcard", `{any: [{resources: {kinds: [Deployment], names: ["web-*"]}}]}`, []Resource{deploy}, nil},
		{"name-question-mark", `{any: [{resources: {kinds: [Pod], name: "db-?"}}]}`, []Resource{pod}, nil},
		{"namespaces", `{any: [{resources: {kinds: ["*"], namespaces: ["sh*"]}}]}`, []Resource{deploy, ns}, []Resource{pod, role}},
		{"selector", `{any: [{resources: {kinds: ["*"], selector: {matchLabels: {app: web}}}}]}`, []Resource{deploy}, []Resource{pod}},
		{"selector-expressions", `{any: [{resources: {kinds: ["*"], selector: {matchExpressions: [{key: app, operator: In, values: [db, cache]}]}}}]}`, []Resource{pod}, []Resource{deploy}},
		{"selector-wildcard-value", `{any: [{resources: {kinds: ["*"], selector: {matchLabels: {app: "?*"}}}}]}`, []Resource{deploy, pod}, []Resource{role}},
		{"selector-wildcard-key", `{any: [{resources: {kinds: ["*"], selector: {matchLabels: {"ti*": front*}}}}]}`, []Resource{deploy}, []Resource{pod}},
		{"namespace-selector", `{any: [{resources: {kinds: ["*"], namespaceSelector: {matchLabels: {env: prod}}}}]}`, []Resource{deploy}, []Resource{pod}},
		{"annotations", `{any: [{resources: {kinds: ["*"], annotations: {owner: "team-*"}}}]}`, []Resource{deploy}, []Resource{pod}},
		{"any-is-or", `{any: [{resources: {kinds: [Pod]}}, {resources: {kinds: [Deployment]}}]}`, []Resource{deploy, pod}, []Resource{role}},
		{"all-is-and", `{all: [{resources: {kinds: [Deployment]}}, {resources: {selector: {matchLabels: {tier: frontend}}}}]}`, []Resource{deploy}, []Resource{pod}},
		{"legacy-resources", `{resources: {kinds: [Pod], namespaces: [data]}}`, []Resource{pod}, []Resource{deploy}},
		{"operations-create", `{any: [{resources: {kinds: [Pod], operations: [CREATE]}}]}`, []Resource{pod}, nil},
		{"operations-update-only", `{any: [{resources: {kinds: [Pod], operations: [UPDATE]}}]}`, nil, []Resource{pod}},
		{"subjects-never-match", `{any: [{resources: {kinds: [Pod]}, subjects: [{kind: User, name: alice}]}]}`, nil, []Resource{pod}},
		{"roles-never-match", `{any: [{resources: {kinds: [Pod]}, clusterRoles: [cluster-admin]}]}`, nil, []Resource{pod}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := compile(t, tc.spec)
			for _, r := range tc.match {
				if !m.Matches(&r) {
					t.Errorf("does not select %s %s", r.Kind, r.Name)
				}
			}
			for _, r := range tc.miss {
				if m.Matches(&r) {
					t.Errorf("selects %s %s", r.Kind, r.Name)
				}
			}
		})
	}
}

// An exclude block that needs a request user excludes nothing offline.
func TestExcludeSubjectsExcludeNothing(t *testing.T) {
	pod := Resource{APIVersion: "v1", Version: "v1", Kind: "Pod", Name: "p", Namespace: "default"}
	if compile(t, `{any: [{subjects: [{kind: User, name: alice}]}]}`).Excludes(&pod) {
		t.Error("an exclude by subject excluded a rendered resource")
	}
	if !compile(t, `{any: [{resources: {namespaces: [default]}}]}`).Excludes(&pod) {
		t.Error("an exclude by namespace did not exclude")
	}
}

func TestCompileErrors(t *testing.T) {
	for _, spec := range []string{
		`{any: [{resources: {kinds: ["a/b/c/d/e"]}}]}`,
		`{any: [{resources: {kinds: [Pod], selector: {matchExpressions: [{key: app, operator: Frob}]}}}]}`,
	} {
		var s Spec
		if err := sigsyaml.Unmarshal([]byte(spec), &s); err != nil {
			t.Fatal(err)
		}
		if _, err := Compile(&s); err == nil {
			t.Errorf("Compile(%s): no error", spec)
		}
	}
}

func compile(t *testing.T, spec string) *Matcher {
	t.Helper()
	var s Spec
	if err := sigsyaml.UnmarshalStrict([]byte(spec), &s); err != nil {
		t.Fatal(err)
	}
	m, err := Compile(&s)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestKindSelectors holds each kind form of Kyverno's ParseKindSelector
// and CheckKind (pkg/utils/kube/kind.go, pkg/utils/match/kind.go) against
// resources by apiVersion.
func TestKindSelectors(t *testing.T) {
	res := func(apiVersion, kind string) Resource {
		group, version, ok := strings.Cut(apiVersion, "/")
		if !ok {
			group, version = "", apiVersion
		}
		return Resource{APIVersion: apiVersion, Group: group, Version: version, Kind: kind, Name: "x"}
	}
	deploy := res("apps/v1", "Deployment")
	extDeploy := res("extensions/v1beta1", "Deployment")
	pod := res("v1", "Pod")
	ing := res("networking.k8s.io/v1", "Ingress")
	ingBeta := res("networking.k8s.io/v1beta1", "Ingress")
	cron := res("batch/v1beta1", "CronJob")
	// Subresource requests, as a values file's subresources make a
	// PodExecOptions or Scale document.
	podExec, podStatus, deployScale := pod, pod, deploy
	podExec.Subresource, podStatus.Subresource, deployScale.Subresource = "exec", "status", "scale"
	for _, tc := range []struct {
		kind  string
		match []Resource
		miss  []Resource
	}{
		{"Deployment", []Resource{deploy, extDeploy}, []Resource{pod}},
		{"apps/v1/Deployment", []Resource{deploy}, []Resource{extDeploy, pod}},
		{"apps/*/Deployment", []Resource{deploy}, []Resource{extDeploy}},
		// "*" reads as a version first: version */kind */subresource
		// Deployment, which no rendered resource is.
		{"*/*/Deployment", nil, []Resource{deploy, extDeploy}},
		{"*/Pod", []Resource{pod}, []Resource{deploy}},
		{"*/Deployment", []Resource{deploy, extDeploy}, nil},
		{"v1/Pod", []Resource{pod}, []Resource{deploy}},
		// version/Kind leaves the group open: apps/v1 is version v1.
		{"v1/Deployment", []Resource{deploy}, []Resource{extDeploy}},
		{"v1beta1/CronJob", []Resource{cron}, nil},
		{"networking.k8s.io/v1/Ingress", []Resource{ing}, []Resource{ingBeta, pod}},
		{"networking.k8s.io/*/Ingress", []Resource{ing, ingBeta}, nil},
		{"networking.k8s.io/v1beta1/Ingress", []Resource{ingBeta}, []Resource{ing}},
		{"*.k8s.io/v1/*", []Resource{ing}, []Resource{deploy, pod}},
		{"apps/v1/*", []Resource{deploy}, []Resource{pod}},
		// a group without a version is kind/subresource: nothing.
		{"apps/Deployment", nil, []Resource{deploy}},
		// a subresource selector selects the subresource only, unless it is "*".
		{"Pod/exec", []Resource{podExec}, []Resource{pod, podStatus}},
		{"Pod.status", []Resource{podStatus}, []Resource{pod, podExec}},
		{"v1/Pod/status", []Resource{podStatus}, []Resource{pod}},
		{"*/scale", []Resource{deployScale}, []Resource{deploy}},
		{"apps/v1/Deployment/scale", []Resource{deployScale}, []Resource{deploy, podExec}},
		{"Pod/*", []Resource{pod, podExec, podStatus}, []Resource{deploy}},
		{"*/*", []Resource{pod, deploy, ing, podExec, deployScale}, nil},
		// a plain kind selects the resource, not its subresources.
		{"Pod", []Resource{pod}, []Resource{podExec, podStatus}},
		{"Deployment", []Resource{deploy}, []Resource{deployScale}},
		// Kyverno's version test is v<digit>[alpha|beta<digit>]: v10 is a kind.
		{"v10/Pod", nil, []Resource{pod}},
		// kinds are case-sensitive.
		{"pod", nil, []Resource{pod}},
	} {
		t.Run(tc.kind, func(t *testing.T) {
			for _, block := range []string{"match", "exclude"} {
				m := compile(t, `{any: [{resources: {kinds: ["`+tc.kind+`"]}}]}`)
				check := m.Matches
				if block == "exclude" {
					check = m.Excludes
				}
				for _, r := range tc.match {
					if !check(&r) || !m.MatchesKind(r.Group, r.Version, r.Kind) {
						t.Errorf("%s: does not select %s %s", block, r.APIVersion, r.Kind)
					}
				}
				for _, r := range tc.miss {
					if check(&r) {
						t.Errorf("%s: selects %s %s", block, r.APIVersion, r.Kind)
					}
				}
			}
		})
	}
}

// TestContainsKind is Kyverno's kubeutils.ContainsKind, which decides
// autogen: any form naming the kind counts.
func TestContainsKind(t *testing.T) {
	for _, tc := range []struct {
		list []string
		want bool
	}{
		{[]string{"Pod"}, true},
		{[]string{"v1/Pod"}, true},
		{[]string{"*/Pod"}, true},
		{[]string{"Pod/status"}, true},
		{[]string{"Pod.status"}, true},
		{[]string{"v1/Pod/status"}, true},
		{[]string{"core/v1/Pod"}, true},
		{[]string{"Deployment", "apps/v1/Pod/exec"}, true},
		{[]string{"Deployment"}, false},
		{[]string{"Pods"}, false},
		{[]string{"*/*"}, false},
		{nil, false},
	} {
		if got := ContainsKind(tc.list, "Pod"); got != tc.want {
			t.Errorf("ContainsKind(%q, Pod) = %v, want %v", tc.list, got, tc.want)
		}
	}
}
