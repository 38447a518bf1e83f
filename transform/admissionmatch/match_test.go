package admissionmatch_test

import (
	"strings"
	"testing"

	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/client-go/kubernetes/scheme"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/admissionmatch"
)

func compile(t *testing.T, s string) *admissionmatch.Matcher {
	t.Helper()
	m, err := admissionmatch.CompileNode(yaml.MustParse(s))
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestMatches(t *testing.T) {
	deploy := admissionmatch.Object{Group: "apps", Version: "v1", Kind: "Deployment", Name: "web", Namespace: "prod",
		Labels: map[string]string{"app": "web"}, NamespaceLabels: map[string]string{"env": "prod"}}
	pod := admissionmatch.Object{Version: "v1", Kind: "Pod", Name: "p", Namespace: "default"}
	ns := admissionmatch.Object{Version: "v1", Kind: "Namespace", Name: "prod", Labels: map[string]string{"env": "prod"},
		NamespaceLabels: map[string]string{"env": "prod"}}
	role := admissionmatch.Object{Group: "rbac.authorization.k8s.io", Version: "v1", Kind: "ClusterRole", Name: "r"}
	tests := []struct {
		name, spec string
		obj        admissionmatch.Object
		want       bool
	}{
		{"deployments", `resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [CREATE, UPDATE], resources: [deployments]}]`, deploy, true},
		{"wrong group", `resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [CREATE], resources: [deployments]}]`, deploy, false},
		{"wrong operation", `resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: [DELETE], resources: [deployments]}]`, deploy, false},
		{"wildcards", `resourceRules: [{apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*"]}]`, pod, true},
		{"subresource not the resource", `resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: ["*"], resources: ["pods/status"]}]`, pod, false},
		{"resource names", `resourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: ["*"], resources: [deployments], resourceNames: [api]}]`, deploy, false},
		{"exclude", `resourceRules: [{apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*"]}]
excludeResourceRules: [{apiGroups: [apps], apiVersions: [v1], operations: ["*"], resources: [deployments]}]`, deploy, false},
		{"namespace selector", `namespaceSelector: {matchLabels: {env: prod}}`, deploy, true},
		{"namespace selector miss", `namespaceSelector: {matchLabels: {env: prod}}`, pod, false},
		{"namespace selector on a Namespace reads its labels", `namespaceSelector: {matchLabels: {env: prod}}`, ns, true},
		{"namespace selector ignores cluster-scoped", `namespaceSelector: {matchLabels: {env: prod}}`, role, true},
		{"object selector", `objectSelector: {matchExpressions: [{key: app, operator: In, values: [web]}]}`, deploy, true},
		{"object selector miss", `objectSelector: {matchLabels: {app: api}}`, deploy, false},
		{"namespaced scope", `resourceRules: [{apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*"], scope: Namespaced}]`, role, false},
		{"cluster scope", `resourceRules: [{apiGroups: ["*"], apiVersions: ["*"], operations: ["*"], resources: ["*"], scope: Cluster}]`, ns, true},
		{"exact version", `resourceRules: [{apiGroups: [apps], apiVersions: [v1beta1], operations: ["*"], resources: [deployments]}]`, deploy, false},
		{"equivalent version", `matchPolicy: Equivalent
resourceRules: [{apiGroups: [apps], apiVersions: [v1beta1], operations: ["*"], resources: [deployments]}]`, deploy, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := compile(t, tt.spec).Matches(&tt.obj, nil); got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
		})
	}
}

func TestOperation(t *testing.T) {
	m := compile(t, `resourceRules: [{apiGroups: [""], apiVersions: [v1], operations: [UPDATE], resources: [pods]}]`)
	o := admissionmatch.Object{Version: "v1", Kind: "Pod", Namespace: "a"}
	if m.Matches(&o, nil) {
		t.Error("a render is a CREATE")
	}
	o.Operation = "UPDATE"
	if !m.Matches(&o, nil) {
		t.Error("UPDATE given: should match")
	}
}

func TestCRD(t *testing.T) {
	var mp admissionmatch.Mapper
	if got, known := mp.Map("example.com", "Widget"); known || got.Resource != "widgets" {
		t.Errorf("guess: %+v %v", got, known)
	}
	mp.AddCRD(yaml.MustParse(`apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: gizmos.example.com}
spec:
  group: example.com
  scope: Cluster
  names: {kind: Widget, plural: gizmos}
`))
	if got, known := mp.Map("example.com", "Widget"); !known || got.Resource != "gizmos" || got.Namespaced {
		t.Errorf("crd: %+v %v", got, known)
	}
	m := compile(t, `resourceRules: [{apiGroups: [example.com], apiVersions: ["*"], operations: ["*"], resources: [gizmos]}]`)
	if !m.Matches(&admissionmatch.Object{Group: "example.com", Version: "v1", Kind: "Widget"}, &mp) {
		t.Error("the CRD's plural should match")
	}
}

// TestBuiltinCoversScheme holds the built-in table to k8s.io/api: every
// kind a client can create is mapped, to the name discovery serves.
func TestBuiltinCoversScheme(t *testing.T) {
	skip := map[string]bool{"Status": true, "Scale": true, "Eviction": true, "TokenRequest": true, "WatchEvent": true,
		"APIGroup": true, "APIGroupList": true, "APIResourceList": true, "APIVersions": true, "RangeAllocation": true,
		"SerializedReference": true, "PodStatusResult": true, "Table": true, "PartialObjectMetadata": true,
		"EphemeralContainers": true, "DeploymentRollback": true, "ImageReview": true, "NodeProxyOptions": true, "ServiceProxyOptions": true,
		"StorageVersionMigrationList": true, "DeleteOptions": true, "CreateOptions": true, "UpdateOptions": true,
		"PatchOptions": true, "GetOptions": true, "ListOptions": true, "ExportOptions": true}
	seen := map[schema.GroupKind]bool{}
	for gvk := range scheme.Scheme.AllKnownTypes() {
		k := gvk.Kind
		if skip[k] || strings.HasSuffix(k, "List") || strings.HasSuffix(k, "Options") || gvk.Version == "__internal" {
			continue
		}
		gk := gvk.GroupKind()
		if seen[gk] {
			continue
		}
		seen[gk] = true
		if _, known := (&admissionmatch.Mapper{}).Map(gk.Group, gk.Kind); !known {
			t.Errorf("%s is not in the built-in table", gk)
		}
	}
}
