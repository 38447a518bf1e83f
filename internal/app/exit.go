package app

import (
	"errors"

	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/stream"
)

// Exit codes.
const (
	ExitOK = 0
	// ExitViolation: a rule in Enforce failed; nothing was written to stdout.
	ExitViolation = 1
	// ExitError: usage, input or policy error; nothing was written to stdout.
	ExitError = 2
)

// ExitError carries the exit code a command ends with. Its message has
// already been reported when Reported is set; when Silent is set nothing is
// printed for it at all (the exit code of a child process whose own
// stderr said everything, passed through).
type ExitErr struct {
	Code     int
	Err      error
	Reported bool
	Silent   bool
}

func (e *ExitErr) Error() string { return e.Err.Error() }
func (e *ExitErr) Unwrap() error { return e.Err }

// Code returns the exit code for an error returned by a command.
func Code(err error) int {
	if err == nil {
		return ExitOK
	}
	var ee *ExitErr
	if errors.As(err, &ee) {
		return ee.Code
	}
	return ExitError
}

// classify wraps input and policy errors with their exit code and a prefix
// that tells them apart.
func classify(err error) error {
	if err == nil {
		return nil
	}
	var ie *stream.InputError
	switch {
	case errors.As(err, &ie):
		return &ExitErr{Code: ExitError, Err: err}
	case policy.IsPolicyError(err):
		return &ExitErr{Code: ExitError, Err: err}
	}
	return &ExitErr{Code: ExitError, Err: err}
}
