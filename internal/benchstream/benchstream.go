package benchstream

import (
	"bytes"
	"fmt"
)

// Docs is the size of the benchmark stream: 10,000 resources of mixed
// kinds, about 3 MB, the stream preadmit's budgets are measured on.
const Docs = 10_000

// Kinds is how many different templates the stream cycles through.
func Kinds() int { return len(templates) }

// templates are the kinds of a typical chart render. Pod controllers
// come without securityContext or resources, so every mutation applies.
var templates = []string{
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

// Stream returns n documents of mixed kinds, deterministically.
func Stream(n int) []byte {
	var b bytes.Buffer
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString("---\n")
		}
		fmt.Fprintf(&b, templates[i%len(templates)], i)
	}
	return b.Bytes()
}
