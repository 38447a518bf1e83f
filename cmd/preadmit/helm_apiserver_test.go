package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// discoveryGroups are the API groups the discovery stub serves, with their
// resources as "plural/Kind" and whether they are namespaced.
var discoveryGroups = map[string][]discoveryResource{
	"v1": {
		{"configmaps", "ConfigMap", true}, {"services", "Service", true}, {"secrets", "Secret", true},
		{"serviceaccounts", "ServiceAccount", true}, {"pods", "Pod", true}, {"endpoints", "Endpoints", true},
		{"namespaces", "Namespace", false},
	},
	"apps/v1":                      {{"deployments", "Deployment", true}, {"daemonsets", "DaemonSet", true}, {"statefulsets", "StatefulSet", true}},
	"batch/v1":                     {{"jobs", "Job", true}, {"cronjobs", "CronJob", true}},
	"autoscaling/v2":               {{"horizontalpodautoscalers", "HorizontalPodAutoscaler", true}},
	"networking.k8s.io/v1":         {{"ingresses", "Ingress", true}, {"networkpolicies", "NetworkPolicy", true}},
	"policy/v1":                    {{"poddisruptionbudgets", "PodDisruptionBudget", true}},
	"rbac.authorization.k8s.io/v1": {{"clusterroles", "ClusterRole", false}, {"clusterrolebindings", "ClusterRoleBinding", false}, {"roles", "Role", true}, {"rolebindings", "RoleBinding", true}},
}

type discoveryResource struct {
	plural, kind string
	namespaced   bool
}

// startDiscoveryStub serves the read-only corner of the Kubernetes API that
// "helm install --dry-run=client" of Helm 3.16 needs: it checks that the
// cluster is reachable and reads the server version and API groups (only
// "helm template" is truly client-only), looks up release history (no
// Secrets) and checks that no rendered object exists yet (404). It creates
// nothing and returns 405 for any write, so a test cannot install by
// mistake. It returns a kubeconfig file for HELM's KUBECONFIG.
func startDiscoveryStub(t *testing.T) (kubeconfig string) {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			t.Errorf("the discovery stub got a write: %s %s", r.Method, r.URL.Path)
			http.Error(w, "read-only stub", http.StatusMethodNotAllowed)
			return
		}
		writeJSON(w, http.StatusOK, discoveryResponse(r.URL.Path))
	}))
	t.Cleanup(srv.Close)
	kubeconfig = filepath.Join(t.TempDir(), "kubeconfig")
	cfg := "apiVersion: v1\nkind: Config\nclusters:\n- name: stub\n  cluster:\n    server: " + srv.URL +
		"\ncontexts:\n- name: stub\n  context:\n    cluster: stub\n    user: stub\ncurrent-context: stub\nusers:\n- name: stub\n  user: {}\n"
	if err := os.WriteFile(kubeconfig, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	return kubeconfig
}

func discoveryResponse(path string) interface{} {
	switch {
	case path == "/version":
		return map[string]string{"major": "1", "minor": "31", "gitVersion": "v1.31.0", "platform": "linux/amd64"}
	case path == "/api":
		return metav1.APIVersions{TypeMeta: metav1.TypeMeta{Kind: "APIVersions"}, Versions: []string{"v1"}}
	case path == "/apis":
		list := metav1.APIGroupList{TypeMeta: metav1.TypeMeta{Kind: "APIGroupList", APIVersion: "v1"}}
		for gv := range discoveryGroups {
			group, version, ok := strings.Cut(gv, "/")
			if !ok {
				continue
			}
			v := metav1.GroupVersionForDiscovery{GroupVersion: gv, Version: version}
			list.Groups = append(list.Groups, metav1.APIGroup{Name: group, Versions: []metav1.GroupVersionForDiscovery{v}, PreferredVersion: v})
		}
		return list
	case strings.HasSuffix(path, "/secrets"):
		return map[string]interface{}{"kind": "SecretList", "apiVersion": "v1", "items": []interface{}{}}
	}
	gv := strings.TrimPrefix(strings.TrimPrefix(path, "/apis/"), "/api/")
	if rs, ok := discoveryGroups[gv]; ok {
		list := metav1.APIResourceList{TypeMeta: metav1.TypeMeta{Kind: "APIResourceList", APIVersion: "v1"}, GroupVersion: gv}
		for _, r := range rs {
			list.APIResources = append(list.APIResources, metav1.APIResource{
				Name: r.plural, Kind: r.kind, Namespaced: r.namespaced,
				Verbs: metav1.Verbs{"get", "list", "create", "update", "patch", "delete"},
			})
		}
		return list
	}
	return notFound
}

// notFound is the Status the API server returns for an object that does
// not exist.
var notFound = &metav1.Status{
	TypeMeta: metav1.TypeMeta{Kind: "Status", APIVersion: "v1"},
	Status:   metav1.StatusFailure, Reason: metav1.StatusReasonNotFound, Code: http.StatusNotFound,
}

func writeJSON(w http.ResponseWriter, code int, v interface{}) {
	if s, ok := v.(*metav1.Status); ok {
		code = int(s.Code)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(v)
}
