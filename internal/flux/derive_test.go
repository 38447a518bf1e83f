package flux

import (
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// TestDerive: a defaulted securityContext becomes a patch keyed by the
// container's name, a rewritten image an images entry; applying both with
// kustomize reproduces the result (no gaps). A change kustomize's images
// cannot make (an ephemeral container) stays in the patch.
func TestDerive(t *testing.T) {
	before := yaml.MustParse(`apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns}
spec:
  containers:
  - {name: a, image: nginx:1.27, ports: [{containerPort: 80}]}
  - {name: b, image: busybox:1.37}
  ephemeralContainers:
  - {name: debug, image: busybox:1.37}
`)
	after := yaml.MustParse(`apiVersion: v1
kind: Pod
metadata: {name: p, namespace: ns}
spec:
  containers:
  - {name: a, image: m.example/nginx:1.27, ports: [{containerPort: 80}], securityContext: {privileged: false}}
  - {name: b, image: m.example/busybox:1.37}
  ephemeralContainers:
  - {name: debug, image: m.example/busybox:1.37}
`)
	ex, err := Derive([]Doc{{Before: before, After: after}})
	if err != nil {
		t.Fatal(err)
	}
	if len(ex.Gaps) != 0 {
		t.Fatalf("gaps: %v", ex.Gaps)
	}
	k := ex.PostRenderers[0].Kustomize
	if len(k.Images) != 2 || k.Images[0].Name != "busybox" || k.Images[1].NewName != "m.example/nginx" {
		t.Errorf("images: %+v", k.Images)
	}
	if len(k.Patches) != 1 {
		t.Fatalf("patches: %+v", k.Patches)
	}
	p := k.Patches[0]
	for _, want := range []string{"- name: a\n", "privileged: false", "ephemeralContainers:", "image: m.example/busybox:1.37", "namespace: ns"} {
		if !strings.Contains(p.Patch, want) {
			t.Errorf("patch lacks %q:\n%s", want, p.Patch)
		}
	}
	if strings.Contains(p.Patch, "containerPort") || strings.Contains(p.Patch, "nginx") {
		t.Errorf("patch carries unchanged fields or the images entry's work:\n%s", p.Patch)
	}
	if p.Target == nil || p.Target.Kind != "Pod" || p.Target.Name != "p" || p.Target.Namespace != "ns" {
		t.Errorf("target: %+v", p.Target)
	}
}
