// Package libs holds the Go types Kyverno's CEL environment declares as
// native types, under the names Kyverno gives them (libs.Exception), so
// that expressions type-check as in Kyverno and errors read the same.
package libs

// Exception is what the exceptions variable of a ValidatingPolicy or
// MutatingPolicy holds: the images and values the fine-grained
// PolicyExceptions that apply to the resource allow (their spec.images and
// spec.allowedValues), for the policy's expressions to read. Kyverno's
// github.com/kyverno/kyverno/pkg/cel/libs.Exception.
type Exception struct {
	AllowedImages []string `cel:"allowedImages"`
	AllowedValues []string `cel:"allowedValues"`
}
