// Command startupfloor is the start-up floor make bench measures preadmit
// against: a program that links only the libraries preadmit must use for
// CEL — cel-go with the API server's CEL environment and the
// MutatingAdmissionPolicy patch package — and does nothing. Their package
// initialisation (protobuf descriptors, kube-openapi formats, the
// component-base metrics registry the admission package registers into)
// is paid by any binary that links them, before main runs.
package main

import (
	"fmt"

	_ "k8s.io/apiserver/pkg/admission/plugin/policy/mutating/patch"
	_ "k8s.io/apiserver/pkg/cel/environment"
)

func main() { fmt.Println("startupfloor") }
