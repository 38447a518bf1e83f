package remediation_test

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/remediation"
)

// The snippets of the library's disallow-latest-tag and require-ro-rootfs,
// and of a user's policy on a Deployment's own labels.
const (
	latestTag = `spec:
  containers:
  - name: app
    image: nginx:1.27.3
    # or pin a digest:
    # image: nginx@sha256:<digest>
`
	roRootfs = `spec:
  containers:
  - name: app
    securityContext:
      readOnlyRootFilesystem: true
`
	podLevel = `spec:
  securityContext:
    runAsNonRoot: true
`
	teamLabel = `metadata:
  labels:
    team: payments
`
)

const deployment = `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      initContainers:
      - name: wait
        image: busybox
      containers:
      - name: web
        image: nginx:latest
`

const cronJob = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: cleanup
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: cleanup
            image: registry.local/tools/busybox:latest
`

const pod = `apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
  - name: sidecar
    image: envoyproxy/envoy:v1.31.0
  - name: main
    image: ghcr.io/acme/app@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef
`

func TestFit(t *testing.T) {
	for _, tc := range []struct {
		name, snippet, resource, kind, path, want string
	}{
		{"deployment container", latestTag, deployment, "Deployment", "spec.template.spec.containers[0].image", `spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx:<pin a version>
        # or pin a digest:
        # image: nginx@sha256:<digest>
`},
		{"deployment initContainer", latestTag, deployment, "Deployment", "spec.template.spec.initContainers[0].image", `spec:
  template:
    spec:
      initContainers:
      - name: wait
        image: busybox:<pin a version>
        # or pin a digest:
        # image: busybox@sha256:<digest>
`},
		{"cronjob", roRootfs, cronJob, "CronJob", "spec.jobTemplate.spec.template.spec.containers[0].securityContext.readOnlyRootFilesystem", `spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: cleanup
            securityContext:
              readOnlyRootFilesystem: true
`},
		{"cronjob image keeps its registry", latestTag, cronJob, "CronJob", "spec.jobTemplate.spec.template.spec.containers[0].image", `spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: cleanup
            image: registry.local/tools/busybox:<pin a version>
            # or pin a digest:
            # image: registry.local/tools/busybox@sha256:<digest>
`},
		{"pod second container", roRootfs, pod, "Pod", "spec.containers[1].securityContext.readOnlyRootFilesystem", `spec:
  containers:
  - name: main
    securityContext:
      readOnlyRootFilesystem: true
`},
		{"pod pinned tag kept", latestTag, pod, "Pod", "spec.containers[0].image", `spec:
  containers:
  - name: sidecar
    image: envoyproxy/envoy:v1.31.0
    # or pin a digest:
    # image: envoyproxy/envoy@sha256:<digest>
`},
		{"pod-level field", podLevel, deployment, "Deployment", "spec.template.spec.securityContext.runAsNonRoot", `spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
`},
		{"pod template labels", teamLabel, deployment, "Deployment", "spec.template.metadata.labels.team", `spec:
  template:
    metadata:
      labels:
        team: payments
`},
		{"the resource's own labels", teamLabel, deployment, "Deployment", "metadata.labels.team", teamLabel},
		{"no field path", teamLabel, deployment, "Deployment", "", teamLabel},
		{"not a pod kind", teamLabel, "kind: Service\n", "Service", "metadata.labels.team", teamLabel},
		{"not a mapping", "set image to a pinned tag\n", deployment, "Deployment", "spec.template.spec.containers[0].image", "set image to a pinned tag\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := remediation.Parse(tc.snippet).Fit(yaml.MustParse(tc.resource), tc.kind, tc.path)
			if got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}

func TestImage(t *testing.T) {
	for _, tc := range []struct{ example, image, want string }{
		{"nginx:1.27.3", "busybox", "busybox:<pin a version>"},
		{"nginx:1.27.3", "busybox:latest", "busybox:<pin a version>"},
		{"nginx:1.27.3", "registry.local:5000/team/app:latest", "registry.local:5000/team/app:<pin a version>"},
		{"nginx:1.27.3", "nginx:1.25", "nginx:1.25"},
		// A policy that asks for another registry: the image moves there.
		{"registry.corp.example/library/nginx:1.27", "ghcr.io/acme/app:2.1", "registry.corp.example/acme/app:2.1"},
		{"registry.corp.example/library/nginx:1.27", "nginx", "registry.corp.example/nginx:<pin a version>"},
		{"registry.corp.example/library/nginx:1.27", "registry.corp.example/library/nginx:latest", "registry.corp.example/library/nginx:<pin a version>"},
		{"nginx:1.27.3", "Not A Reference", ""},
	} {
		if got, _, _ := remediation.Image(tc.example, tc.image); got != tc.want {
			t.Errorf("Image(%q, %q) = %q, want %q", tc.example, tc.image, got, tc.want)
		}
	}
}

// TestFitTemplate: a failure in the pod template that names no field (a
// CEL rule autogen derived for pod controllers) moves the snippet under
// the kind's template, its containers as written.
func TestFitTemplate(t *testing.T) {
	for _, tc := range []struct {
		name, snippet, resource, kind, want string
	}{
		{"deployment", podLevel, deployment, "Deployment", `spec:
  template:
    spec:
      securityContext:
        runAsNonRoot: true
`},
		{"cronjob containers as written", roRootfs, cronJob, "CronJob", `spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: app
            securityContext:
              readOnlyRootFilesystem: true
`},
		{"pod", podLevel, pod, "Pod", podLevel},
		{"not a pod kind", teamLabel, "kind: Service\n", "Service", teamLabel},
		{"not a mapping", "run as a non-root user\n", deployment, "Deployment", "run as a non-root user\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := remediation.Parse(tc.snippet).FitTemplate(yaml.MustParse(tc.resource), tc.kind)
			if got != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", got, tc.want)
			}
		})
	}
}
