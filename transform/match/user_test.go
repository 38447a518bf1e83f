package match

import (
	"testing"

	sigsyaml "sigs.k8s.io/yaml"
)

// Roles, clusterRoles and subjects with request info, as Kyverno's
// doesResourceMatchConditionBlock and CheckSubjects read them: each case
// holds whether the block selects the Pod as a match block and as an
// exclude block.
func TestUserInfo(t *testing.T) {
	admin := &UserInfo{Username: "molybdenum@somecorp.com", ClusterRoles: []string{"cluster-admin"}}
	sa := &UserInfo{Username: "system:serviceaccount:kube-system:developer", Groups: []string{"system:serviceaccounts"},
		Roles: []string{"kube-system:editor"}}
	none := &UserInfo{}
	for _, tc := range []struct {
		name           string
		spec           string
		user           *UserInfo
		match, exclude bool
	}{
		{"cluster-role-held", `{any: [{resources: {kinds: [Pod]}, clusterRoles: [cluster-admin]}]}`, admin, true, true},
		{"cluster-role-not-held", `{any: [{resources: {kinds: [Pod]}, clusterRoles: [view]}]}`, admin, false, false},
		{"role-held", `{any: [{resources: {kinds: [Pod]}, roles: ["kube-system:editor"]}]}`, sa, true, true},
		{"role-not-held", `{any: [{resources: {kinds: [Pod]}, roles: ["default:editor"]}]}`, sa, false, false},
		{"roles-and-cluster-roles-both-needed", `{any: [{resources: {kinds: [Pod]}, roles: ["kube-system:editor"], clusterRoles: [admin]}]}`, sa, false, false},
		{"service-account-subject", `{any: [{resources: {kinds: [Pod]}, subjects: [{kind: ServiceAccount, name: developer, namespace: kube-system}]}]}`, sa, true, true},
		{"service-account-wildcard", `{any: [{resources: {kinds: [Pod]}, subjects: [{kind: ServiceAccount, name: "dev*", namespace: "*"}]}]}`, sa, true, true},
		{"other-service-account", `{any: [{resources: {kinds: [Pod]}, subjects: [{kind: ServiceAccount, name: developer, namespace: default}]}]}`, sa, false, false},
		{"group-subject", `{any: [{resources: {kinds: [Pod]}, subjects: [{kind: Group, name: "system:serviceaccounts"}]}]}`, sa, true, true},
		{"user-subject-wildcard", `{any: [{resources: {kinds: [Pod]}, subjects: [{kind: User, name: "*@somecorp.com"}]}]}`, admin, true, true},
		{"user-subject-other", `{any: [{resources: {kinds: [Pod]}, subjects: [{kind: User, name: alice}]}]}`, admin, false, false},
		{"user-part-only", `{any: [{clusterRoles: [cluster-admin]}]}`, admin, true, true},
		{"user-part-and-other-kind", `{any: [{resources: {kinds: [Deployment]}, clusterRoles: [cluster-admin]}]}`, admin, false, false},
		// Empty request info: a match block's user part is not checked
		// (Kyverno resets it), an exclude block's is and fails.
		{"no-info-match-ignores-user", `{any: [{resources: {kinds: [Pod]}, subjects: [{kind: ServiceAccount, name: developer, namespace: kube-system}]}]}`, none, true, false},
		{"no-info-user-part-only", `{any: [{clusterRoles: [cluster-admin]}]}`, none, false, false},
		{"no-info-user-subject-wildcard", `{any: [{subjects: [{kind: User, name: "*"}]}]}`, none, false, true},
		// A render has no request: a filter that needs a user is false.
		{"render", `{any: [{resources: {kinds: [Pod]}, clusterRoles: [cluster-admin]}]}`, nil, false, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			pod := Resource{APIVersion: "v1", Version: "v1", Kind: "Pod", Name: "p", Namespace: "default", User: tc.user}
			m := compile(t, tc.spec)
			if got := m.Matches(&pod); got != tc.match {
				t.Errorf("as match: %v, want %v", got, tc.match)
			}
			if got := m.Excludes(&pod); got != tc.exclude {
				t.Errorf("as exclude: %v, want %v", got, tc.exclude)
			}
		})
	}
}

func TestUserInfoCompileError(t *testing.T) {
	var s Spec
	if err := sigsyaml.UnmarshalStrict([]byte(`{any: [{subjects: [{kind: User, name: [a]}]}]}`), &s); err != nil {
		t.Fatal(err)
	}
	if _, err := Compile(&s); err == nil {
		t.Error("a subject name that is a list: no error")
	}
}
