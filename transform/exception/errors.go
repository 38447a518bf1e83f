package exception

import (
	"strings"

	"github.com/preadmit/preadmit/transform/errlist"
)

// Error is a PolicyException that cannot be used: malformed, or lacking the
// owner, reason and expiry that --require-exception-metadata asks for. It
// names where the exception came from, the exception and the field.
type Error struct {
	// File is the file, or "input document N", the exception was read from.
	File      string
	Namespace string
	Name      string
	// Field is the offending field, e.g. "spec.exceptions[0].policyName".
	Field string
	Err   error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("policy exception error")
	if e.File != "" {
		b.WriteString(" in " + e.File)
	}
	if e.Name != "" {
		b.WriteString(": PolicyException " + key(e.Namespace, e.Name))
	}
	if e.Field != "" {
		b.WriteString(": " + e.Field)
	}
	b.WriteString(": " + e.Err.Error())
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errors is every exception error found, so all can be fixed in one go.
type Errors = errlist.List[*Error]

func key(namespace, name string) string {
	if namespace == "" {
		return name
	}
	return namespace + "/" + name
}
