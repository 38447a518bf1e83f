package images_test

import (
	"fmt"
	"os"

	"github.com/preadmit/preadmit/internal/images"
	"github.com/preadmit/preadmit/transform/stream"
)

const manifests = `apiVersion: batch/v1
kind: CronJob
metadata:
  name: backup
spec:
  jobTemplate:
    spec:
      template:
        spec:
          initContainers:
          - name: wait
            image: busybox:1.36
          containers:
          - name: backup
            image: restic/restic:0.17
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Pod
  metadata:
    name: debug
  spec:
    ephemeralContainers:
    - name: shell
      image: busybox:1.36
---
apiVersion: monitoring.coreos.com/v1
kind: Prometheus
metadata:
  name: main
spec:
  image: quay.io/prometheus/prometheus:v3.0.0
`

// Every image field of pod templates (and List items), plus the fields an
// --image-path names; each distinct image once, with its uses.
func ExampleCollect() {
	docs, err := stream.Read([]byte(manifests), stream.DefaultLimits)
	if err != nil {
		panic(err)
	}
	path, _ := images.ParsePath("Prometheus:spec.image")
	set, err := images.Collect(docs, []images.Path{path})
	if err != nil {
		panic(err)
	}
	for _, im := range set.Images {
		for _, u := range im.Uses {
			fmt.Printf("%s  %s %s\n", im.Ref, u.Resource(), u.Field)
		}
	}
	m := images.Mirror{Registry: "registry.local"}
	if err := images.Write(os.Stdout, images.FormatCrane, set, m); err != nil {
		panic(err)
	}
	// Output:
	// busybox:1.36  CronJob backup spec.jobTemplate.spec.template.spec.initContainers[0].image
	// busybox:1.36  Pod debug spec.ephemeralContainers[0].image
	// quay.io/prometheus/prometheus:v3.0.0  Prometheus main spec.image
	// restic/restic:0.17  CronJob backup spec.jobTemplate.spec.template.spec.containers[0].image
	// crane copy busybox:1.36 registry.local/busybox:1.36
	// crane copy quay.io/prometheus/prometheus:v3.0.0 registry.local/quay.io/prometheus/prometheus:v3.0.0
	// crane copy restic/restic:0.17 registry.local/restic/restic:0.17
}
