package transform_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	yamlv3 "go.yaml.in/yaml/v3"

	"github.com/preadmit/preadmit/internal/app"
	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/stream"
)

// benchDocs is the size of the benchmark stream: 10,000 resources of mixed
// kinds, about 3 MB, as the render pipeline issue measures.
const benchDocs = 10_000

// benchTemplates are the kinds of a typical chart render. Pod controllers
// come without securityContext or resources, so every mutation applies.
var benchTemplates = []string{
	`# Source: app/templates/deployment.yaml
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web-%[1]d
  labels:
    app.kubernetes.io/name: web
    app.kubernetes.io/instance: r%[1]d
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: web
  template:
    metadata:
      labels:
        app.kubernetes.io/name: web
        app.kubernetes.io/instance: r%[1]d
    spec:
      containers:
        - name: web
          image: "nginx:1.27.%[1]d"
          ports:
            - name: http
              containerPort: 80
`,
	`# Source: app/templates/service.yaml
apiVersion: v1
kind: Service
metadata:
  name: web-%[1]d
  labels:
    app.kubernetes.io/name: web
    app.kubernetes.io/managed-by: Helm
spec:
  type: ClusterIP
  ports:
    - port: 80
      targetPort: http
  selector:
    app.kubernetes.io/name: web
`,
	`# Source: app/templates/configmap.yaml
apiVersion: v1
kind: ConfigMap
metadata:
  name: config-%[1]d
  labels:
    app.kubernetes.io/managed-by: Helm
data:
  greeting: "hello %[1]d"
  level: info
`,
	`# Source: app/templates/cronjob.yaml
apiVersion: batch/v1
kind: CronJob
metadata:
  name: cleanup-%[1]d
spec:
  schedule: "0 3 * * *"
  jobTemplate:
    spec:
      template:
        metadata:
          labels:
            app.kubernetes.io/name: cleanup
            app.kubernetes.io/instance: r%[1]d
        spec:
          restartPolicy: OnFailure
          containers:
            - name: cleanup
              image: busybox:1.36
              command: ["sh", "-c", "echo %[1]d"]
`,
	`# Source: app/templates/serviceaccount.yaml
apiVersion: v1
kind: ServiceAccount
metadata:
  name: web-%[1]d
  labels:
    app.kubernetes.io/managed-by: Helm
`,
	`# Source: app/templates/rbac.yaml
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRole
metadata:
  name: reader-%[1]d
rules:
  - apiGroups: [""]
    resources: ["pods", "configmaps"]
    verbs: ["get", "list", "watch"]
`,
	`# Source: app/templates/statefulset.yaml
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: db-%[1]d
  labels:
    app.kubernetes.io/name: db
    app.kubernetes.io/instance: r%[1]d
spec:
  serviceName: db
  selector:
    matchLabels:
      app.kubernetes.io/name: db
  template:
    metadata:
      labels:
        app.kubernetes.io/name: db
        app.kubernetes.io/instance: r%[1]d
    spec:
      securityContext:
        runAsNonRoot: true
        runAsUser: 999
      containers:
        - name: db
          image: postgres:16.4
          resources:
            requests:
              cpu: 250m
              memory: 256Mi
            limits:
              memory: 1Gi
`,
}

// benchStream generates the mixed stream, deterministically.
func benchStream(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString("---\n")
		}
		fmt.Fprintf(&b, benchTemplates[i%len(benchTemplates)], i)
	}
	return b.Bytes()
}

func embeddedEngine(tb testing.TB, vars map[string]interface{}) *transform.Engine {
	tb.Helper()
	// The policies a render with no flags runs: the embedded library with
	// the default profile (opt-in policies left out).
	set, err := app.LoadPolicies(app.PolicyOptions{})
	if err != nil {
		tb.Fatal(err)
	}
	eng, err := transform.New(transform.Options{Policies: set.Policies, Mode: transform.ModeAudit, Variables: vars})
	if err != nil {
		tb.Fatal(err)
	}
	return eng
}

// BenchmarkRender renders the 10,000-document stream with the whole
// embedded library: read, match, mutate, validate, write.
func BenchmarkRender(b *testing.B) {
	in := benchStream(benchDocs)
	eng := embeddedEngine(b, nil)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out, err := eng.Render(in)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := out.Bytes(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloor is the floor the render is measured against: a bare go-yaml
// v3 yaml.Node decode and encode of every document of the same stream, one
// fresh encoder per document.
func BenchmarkFloor(b *testing.B) {
	in := benchStream(benchDocs)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := floor(in, true); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkFloorDecode is the decode half of the floor.
func BenchmarkFloorDecode(b *testing.B) {
	in := benchStream(benchDocs)
	b.SetBytes(int64(len(in)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := floor(in, false); err != nil {
			b.Fatal(err)
		}
	}
}

func floor(in []byte, encode bool) error {
	dec := yamlv3.NewDecoder(bytes.NewReader(in))
	var out bytes.Buffer
	for {
		var n yamlv3.Node
		if err := dec.Decode(&n); err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return err
		}
		if !encode {
			continue
		}
		out.WriteString("---\n")
		enc := yamlv3.NewEncoder(&out)
		if err := enc.Encode(&n); err != nil {
			return err
		}
		if err := enc.Close(); err != nil {
			return err
		}
	}
}

// TestBenchStream keeps the benchmark honest: the generated stream renders
// without error, every document comes back, and the mutations apply.
func TestBenchStream(t *testing.T) {
	in := benchStream(len(benchTemplates) * 2)
	out, err := embeddedEngine(t, nil).Render(in)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(out.Docs), len(benchTemplates)*2; got != want {
		t.Fatalf("%d documents, want %d", got, want)
	}
	if out.Mutated == 0 {
		t.Fatal("no document mutated: the benchmark would not measure mutation")
	}
	b, err := out.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	docs, err := stream.Read(b, stream.DefaultLimits)
	if err != nil || len(docs) != len(benchTemplates)*2 {
		t.Fatalf("output does not read back: %v", err)
	}
	if !strings.Contains(string(b), "runAsNonRoot: true") {
		t.Error("securityContext defaults missing from the output")
	}
}
