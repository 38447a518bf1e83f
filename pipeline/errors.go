package pipeline

import (
	"errors"
	"fmt"

	"github.com/preadmit/preadmit/transform/report"
)

// Exit codes of preadmit's commands, decided by ExitCode alone.
const (
	ExitOK = 0
	// ExitViolation: a rule in Enforce failed (or a test did not pass);
	// nothing was written to stdout.
	ExitViolation = 1
	// ExitError: a usage, input or policy error; nothing was written to
	// stdout.
	ExitError = 2
)

// ViolationError is a render that a rule in Enforce failed: the one outcome
// that is not a defect of the tool's input or settings. Report is the text
// written to the failure channel already (one line per violation with its
// fix, then the summary line).
type ViolationError struct {
	// Violations are the failed results of rules in Enforce.
	Violations []report.Result
	// Report is what a person reads about them.
	Report string
	// Consequence says what the violation stopped ("nothing was
	// rendered"); "" for none.
	Consequence string
}

func (e *ViolationError) Error() string {
	msg := fmt.Sprintf("%d violation(s) of policies in Enforce", len(e.Violations))
	if e.Consequence != "" {
		msg += ": " + e.Consequence
	}
	return msg
}

// FailedError is a check that ran and did not pass, other than a render's
// Enforce violation: "preadmit test" with failed or unchecked results, or
// no test file where one is required. It ends with ExitViolation.
type FailedError struct {
	Err error
}

func (e *FailedError) Error() string { return e.Err.Error() }
func (e *FailedError) Unwrap() error { return e.Err }

// UsageError is a setting that cannot be used: an unknown flag or value, a
// combination of flags that does not go together.
type UsageError struct {
	Err error
}

func (e *UsageError) Error() string { return e.Err.Error() }
func (e *UsageError) Unwrap() error { return e.Err }

// Usagef is a *UsageError with a formatted message.
func Usagef(format string, args ...interface{}) error {
	return &UsageError{Err: fmt.Errorf(format, args...)}
}

// ExitStatusError carries the exit code of a child process whose own
// stderr said why ("preadmit helm" running preadmit-helm): the command
// ends with Code and prints nothing more.
type ExitStatusError struct {
	Code int
	Err  error
}

func (e *ExitStatusError) Error() string { return e.Err.Error() }
func (e *ExitStatusError) Unwrap() error { return e.Err }

// ExitCode is the exit code a command ends with after err: the one place
// the exit class of an error is decided. A violation (*ViolationError,
// *FailedError) is ExitViolation, a child's status its own code, and
// anything else — usage, input, policy, exception, output errors —
// ExitError.
func ExitCode(err error) int {
	var (
		ve *ViolationError
		fe *FailedError
		se *ExitStatusError
	)
	switch {
	case err == nil:
		return ExitOK
	case errors.As(err, &se):
		return se.Code
	case errors.As(err, &ve), errors.As(err, &fe):
		return ExitViolation
	}
	return ExitError
}

// Silent reports whether err needs no message: a child process's exit
// status, whose stderr said everything.
func Silent(err error) bool {
	var se *ExitStatusError
	return errors.As(err, &se)
}
