package pattern

import (
	"fmt"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const benchPattern = `
metadata:
  labels:
    app.kubernetes.io/name: "?*"
spec:
  template:
    spec:
      =(securityContext):
        =(runAsNonRoot): true
      containers:
      - name: "*"
        image: "!*:latest"
        (imagePullPolicy): "Always | IfNotPresent"
        resources:
          limits:
            memory: "<=2Gi"
            cpu: "100m-4"
        =(securityContext):
          =(privileged): false
          X(procMount): "null"
      X(hostPID): "null"
`

// BenchmarkMatch matches one compiled pattern against 10,000 Deployments.
func BenchmarkMatch(b *testing.B) {
	p := mustCompile(b, benchPattern)
	docs := make([]*yaml.RNode, 10000)
	for i := range docs {
		docs[i] = yaml.MustParse(fmt.Sprintf(`apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-%d
  labels:
    app.kubernetes.io/name: app-%d
spec:
  replicas: 2
  template:
    spec:
      securityContext:
        runAsNonRoot: true
      containers:
      - name: app
        image: registry.example.com/app:%d
        imagePullPolicy: IfNotPresent
        resources:
          limits: {memory: 512Mi, cpu: "1"}
        securityContext: {privileged: false}
      - name: sidecar
        image: registry.example.com/sidecar:1.0
        imagePullPolicy: Always
        resources:
          limits: {memory: 64Mi, cpu: 200m}
`, i, i, i))
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for _, d := range docs {
			if r := p.Match(d); r.Status != Pass {
				b.Fatalf("unexpected %+v", r)
			}
		}
	}
}
