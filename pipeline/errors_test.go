package pipeline

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
	"github.com/preadmit/preadmit/transform/stream"
)

// TestExitCode: the exit class of an error is decided here, from its type
// alone, wherever it was wrapped: a violation or a failed check is 1, a
// child's status its own code, anything else 2.
func TestExitCode(t *testing.T) {
	for _, tc := range []struct {
		name string
		err  error
		want int
	}{
		{"nil", nil, ExitOK},
		{"violation", &ViolationError{Violations: make([]report.Result, 2)}, ExitViolation},
		{"wrapped violation", fmt.Errorf("helm install: %w", &ViolationError{}), ExitViolation},
		{"failed test", &FailedError{Err: errors.New("1 tests failed")}, ExitViolation},
		{"usage", Usagef("--mode %q", "block"), ExitError},
		{"policy", &policy.Error{Policy: "p", Err: errors.New("bad")}, ExitError},
		{"input", &stream.InputError{Index: 0, Err: errors.New("bad yaml")}, ExitError},
		{"plain", errors.New("writing output: broken pipe"), ExitError},
		{"child status", &ExitStatusError{Code: 1, Err: errors.New("exit status 1")}, 1},
		{"child status 3", fmt.Errorf("run: %w", &ExitStatusError{Code: 3, Err: errors.New("exit status 3")}), 3},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ExitCode(tc.err); got != tc.want {
				t.Errorf("ExitCode(%v) = %d, want %d", tc.err, got, tc.want)
			}
			if got, want := Silent(tc.err), strings.HasPrefix(tc.name, "child"); got != want {
				t.Errorf("Silent(%v) = %v, want %v", tc.err, got, want)
			}
		})
	}
}

// TestViolationErrorMessage: what a command prints after "preadmit: ".
func TestViolationErrorMessage(t *testing.T) {
	e := &ViolationError{Violations: make([]report.Result, 3), Consequence: "nothing was rendered"}
	if got, want := e.Error(), "3 violation(s) of policies in Enforce: nothing was rendered"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	e.Consequence = ""
	if got, want := e.Error(), "3 violation(s) of policies in Enforce"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestTypedValues: the parsers are the edge (case-insensitive, "" the
// default); a Go caller's value that did not come through them is a usage
// error, not re-parsed.
func TestTypedValues(t *testing.T) {
	if m, err := ParseMode("Enforce"); err != nil || m != transform.ModeEnforce {
		t.Errorf("ParseMode(Enforce) = %q, %v", m, err)
	}
	if p, err := ParseProfile(""); err != nil || p != ProfileRestricted {
		t.Errorf("ParseProfile(\"\") = %q, %v", p, err)
	}
	if f, err := ParseFormat("SARIF"); err != nil || f != report.FormatSARIF {
		t.Errorf("ParseFormat(SARIF) = %q, %v", f, err)
	}
	for _, s := range []string{"", "2025-12-31", "2025-12-31T12:00:00Z"} {
		if _, err := ParseAt(s); err != nil {
			t.Errorf("ParseAt(%q): %v", s, err)
		}
	}
	var ue *UsageError
	for _, err := range []error{
		func() error { _, err := ParseMode("block"); return err }(),
		func() error { _, err := ParseProfile("strict"); return err }(),
		func() error { _, err := ParseFormat("xml"); return err }(),
		func() error { _, err := ParseAt("tomorrow"); return err }(),
	} {
		if !errors.As(err, &ue) {
			t.Errorf("%v is not a *UsageError", err)
		}
	}
	for _, o := range []Options{
		{Mode: "Enforce"},
		{Profile: "strict"},
		{Report: ReportOptions{Format: "xml"}},
	} {
		err := Render(t.Context(), o, strings.NewReader(""), io.Discard, &Channels{Stderr: io.Discard})
		if !errors.As(err, &ue) || ExitCode(err) != ExitError {
			t.Errorf("Render with %+v: %v, want a *UsageError", o, err)
		}
	}
}
