package podsecurity_test

import (
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/validate/podsecurity"
)

func Example() {
	rule := yaml.MustParse(`
level: baseline
version: latest
exclude:
- controlName: Capabilities
  images: ["ghcr.io/example/vpn:*"]
  restrictedField: spec.containers[*].securityContext.capabilities.add
  values: [NET_ADMIN]
`)
	check, err := podsecurity.Compile(rule)
	if err != nil {
		panic(err)
	}
	deployment := yaml.MustParse(`
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: web
        image: nginx:1.27
        securityContext:
          privileged: true
      - name: vpn
        image: ghcr.io/example/vpn:2.1
        securityContext:
          capabilities:
            add: [NET_ADMIN]
`)
	violations, err := check.Evaluate(deployment)
	if err != nil {
		panic(err)
	}
	for _, v := range violations {
		fmt.Println(v.Control, v.Paths)
		fmt.Println(v.Message)
		fmt.Println("fix:", v.Fix)
	}
	// Output:
	// Privileged Containers [spec.template.spec.containers[0].securityContext.privileged]
	// privileged (container "web" must not set securityContext.privileged=true)
	// fix: remove securityContext.privileged or set it to false
}
