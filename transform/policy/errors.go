package policy

import (
	"errors"
	"fmt"
	"strings"

	"github.com/preadmit/preadmit/transform/errlist"
)

// Error is a problem with a policy: it names where the policy came from, the
// policy and, when known, the rule. The CLI maps it to the policy-error exit
// code, distinct from violations.
type Error struct {
	File   string
	Policy string
	Rule   string
	Err    error
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("policy error")
	if e.File != "" {
		b.WriteString(" in " + e.File)
	}
	if e.Policy != "" {
		b.WriteString(": policy " + e.Policy)
	}
	if e.Rule != "" {
		b.WriteString(", rule " + e.Rule)
	}
	fmt.Fprintf(&b, ": %v", e.Err)
	return b.String()
}

func (e *Error) Unwrap() error { return e.Err }

// Errors is every policy error found, so a user fixes them all in one go.
type Errors = errlist.List[*Error]

// IsPolicyError reports whether err is, or wraps, a policy error.
func IsPolicyError(err error) bool {
	var e *Error
	var es Errors
	return errors.As(err, &e) || errors.As(err, &es)
}
