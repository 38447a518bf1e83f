package apply

import (
	"testing"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apiserver/pkg/admission/plugin/policy/mutating/patch"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestMergeTouchedIsTheWholeMerge holds mergeTouched to the API server's
// merge of the whole resource: the same resource after the merge, or no
// merge at all where that one fails.
func TestMergeTouchedIsTheWholeMerge(t *testing.T) {
	const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web, tier: front}
  annotations: {a: b}
  creationTimestamp: null
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata:
      labels: {app: web}
    spec:
      securityContext: {}
      containers:
      - name: web
        image: nginx:1.27
        ports: [{name: http, containerPort: 80}]
        resources: {limits: {cpu: 500m}}
      - name: side
        image: busybox
      initContainers:
      - name: init
        image: busybox
`
	tests := []struct {
		name, live, cfg string
		fails           bool // the whole merge fails
	}{
		{"nothing", deployment, `{}`, false},
		{"nothing on a resource its schema refuses", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nnosuch: {a: 1}\n", `{}`, true},
		{"new label", deployment, `{metadata: {labels: {managed: preadmit}}}`, false},
		{"label set to the same", deployment, `{metadata: {labels: {app: web}}}`, false},
		{"empty maps only", deployment, `{spec: {template: {spec: {}}}}`, false},
		{"empty map on an empty map", deployment, `{spec: {template: {spec: {securityContext: {}}}}}`, false},
		{"new empty map", deployment, `{spec: {template: {spec: {dnsConfig: {}}}}}`, false},
		{"pod securityContext", deployment, `{spec: {template: {spec: {securityContext: {runAsNonRoot: true, seccompProfile: {type: RuntimeDefault}}}}}}`, false},
		{"containers by name", deployment, `{spec: {template: {spec: {containers: [{name: web, resources: {requests: {cpu: 100m}}}], initContainers: [{name: init, securityContext: {privileged: false}}]}}}}`, false},
		{"a new container", deployment, `{spec: {template: {spec: {containers: [{name: extra, image: x}]}}}}`, false},
		{"a null value", deployment, `{metadata: {annotations: {a: null}}}`, false},
		{"an atomic struct", deployment, `{spec: {selector: {matchLabels: {app: other}}}}`, true},
		{"a field the schema lacks", deployment, `{spec: {nosuch: 1}}`, true},
		{"the live object has a field the schema lacks", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\nnosuch: {a: 1}\n", `{metadata: {labels: {a: b}}}`, true},
		{"service ports by port and protocol", "apiVersion: v1\nkind: Service\nmetadata: {name: s}\nspec:\n  ports: [{port: 80, protocol: TCP, name: http}, {port: 443, protocol: TCP}]\n",
			`{spec: {ports: [{port: 80, protocol: TCP, targetPort: 8080}]}}`, false},
		{"a custom resource", "apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w}\nspec: {size: 1, parts: [a, b], deep: {x: {y: 1}}}\n",
			`{spec: {deep: {x: {z: 2}}, parts: [c]}}`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			live, cfg := mapOf(t, tt.live), mapOf(t, tt.cfg)
			p := &unstructured.Unstructured{Object: cfg}
			whole := &unstructured.Unstructured{Object: live}
			p.SetGroupVersionKind(whole.GroupVersionKind())
			want, wantErr := patch.ApplyStructuredMergeDiff(typeConverter(whole.GroupVersionKind()), whole, p)
			o := &Object{obj: &unstructured.Unstructured{Object: mapOf(t, tt.live)}}
			done := o.mergeTouched(p)
			if (wantErr != nil) != tt.fails {
				t.Fatalf("the whole merge: %v, want failing %v", wantErr, tt.fails)
			}
			if wantErr != nil {
				if done {
					t.Fatalf("merged, the whole merge fails: %v", wantErr)
				}
				return
			}
			if !done {
				t.Fatal("not merged, the whole merge succeeds")
			}
			if got := want.(*unstructured.Unstructured).Object; !equal(o.obj.Object, got) {
				t.Errorf("got\n%v\nwant\n%v", o.obj.Object, got)
			}
			if !equal(live, mapOf(t, tt.live)) {
				t.Error("the live object was changed in place")
			}
		})
	}
}

func mapOf(t *testing.T, s string) map[string]any {
	t.Helper()
	n, err := yaml.Parse(s)
	if err != nil {
		t.Fatal(err)
	}
	o, err := NewObject(n.YNode())
	if err != nil {
		t.Fatal(err)
	}
	return o.Value()
}
