package cel

import (
	"fmt"
	"strings"
)

// Error is an expression that does not compile: the field path it was
// read from, the expression and the compiler's message.
type Error struct {
	// Path is the expression's field path in the policy
	// (spec.validations[0].expression).
	Path       string
	Expression string
	Detail     string
	// NeedsCluster is set when the expression calls a library that reads
	// the cluster or the network (resource.Get, http.Get, ...), which has
	// no value at render time.
	NeedsCluster bool
	// Hint, when set, says how to give such a call a value.
	Hint string
}

func (e *Error) Error() string {
	expr := e.Expression
	if len(expr) > 200 {
		expr = expr[:200] + "..."
	}
	if e.NeedsCluster {
		msg := fmt.Sprintf("%s: %q calls %s, which needs the cluster or the network and has no value at render time", e.Path, expr, e.Detail)
		if e.Hint != "" {
			msg += ": " + e.Hint
		}
		return msg
	}
	return fmt.Sprintf("%s: %q does not compile: %s", e.Path, expr, strings.TrimSpace(e.Detail))
}

// EvalError is an expression that failed at evaluation: a runtime error,
// the cost limit or the time limit.
type EvalError struct {
	Path       string
	Expression string
	Err        error
}

func (e *EvalError) Error() string {
	return fmt.Sprintf("%s: evaluating %q: %v", e.Path, e.Expression, e.Err)
}

func (e *EvalError) Unwrap() error { return e.Err }

// clusterLibraries are the names Kyverno's CEL environment adds for
// libraries that read the cluster, a registry or the network. They are not
// declared here, so an expression using them fails to compile; the error
// says why.
var clusterLibraries = []string{"resource", "http", "globalContext", "imageData", "authorizer"}

// needsCluster returns the cluster library a compile error is about, or "".
// image is also Kyverno's offline image-reference parser: only its
// GetMetadata reads a registry.
func needsCluster(detail, expr string) string {
	for _, l := range clusterLibraries {
		if strings.Contains(detail, "undeclared reference to '"+l+"'") {
			return l
		}
	}
	if strings.Contains(detail, "undeclared reference to 'image'") && strings.Contains(expr, "image.GetMetadata") {
		return "image.GetMetadata"
	}
	return ""
}

// kyvernoIdents are the names Kyverno's offline libraries declare, which
// the API server's environment lacks.
var kyvernoIdents = []string{"json", "yaml", "x509", "hash", "math", "random", "time", "transform", "user", "gzip", "regex",
	"sha1", "sha256", "md5", "listObjToMap", "parseServiceAccount", "parseImageReference", "isImage", "image"}

// kyvernoOnly explains a compile error about a name only Kyverno's
// libraries declare, or is "".
func kyvernoOnly(detail string) string {
	for _, n := range kyvernoIdents {
		if strings.Contains(detail, "undeclared reference to '"+n+"'") {
			return fmt.Sprintf("\n(%s is one of Kyverno's CEL libraries: a ValidatingPolicy or MutatingPolicy has them; the API server's environment, which ValidatingAdmissionPolicy, MutatingAdmissionPolicy and validate.cel use, does not)", n)
		}
	}
	return ""
}
