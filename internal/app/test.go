package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/preadmit/preadmit/internal/kyvernotest"
)

// TestOptions are the settings of "preadmit test".
type TestOptions struct {
	// Paths are directories searched recursively for FileName, or test
	// files given by name.
	Paths    []string
	FileName string
	// Detailed adds the MESSAGE column; FailOnly prints failed rows only.
	Detailed, FailOnly bool
	// RequireTests makes finding no test file a failure.
	RequireTests bool
	// Output is "table" (default), "json" or "junit", on stdout.
	Output string
	// JUnit, when set, also writes a JUnit XML report to this file.
	JUnit string
	// AllowUnchecked accepts expected results that preadmit reports as
	// not checked (Skip: generate rules, out of scope at render time);
	// without it they fail the run, so that a green run means checked.
	AllowUnchecked bool
}

// Test runs Kyverno CLI test files with the engine. Exit codes: 0 every
// expected result matched, 1 some did not (or were unsupported, or not
// checked without AllowUnchecked, or no test was found with RequireTests), 2 a test file or a file it names is
// unreadable or invalid.
func Test(ctx context.Context, o TestOptions, stdout, stderr io.Writer) error {
	switch o.Output {
	case "", "table", "json", "junit":
	default:
		return &ExitErr{Code: ExitError, Err: fmt.Errorf("--output %q: expected table, json or junit", o.Output)}
	}
	files, err := kyvernotest.Discover(o.Paths, o.FileName)
	if err != nil {
		return &ExitErr{Code: ExitError, Err: err}
	}
	if len(files) == 0 {
		if o.RequireTests {
			return &ExitErr{Code: ExitViolation, Err: fmt.Errorf("no test files (%s) found under %v", fileName(o.FileName), o.Paths)}
		}
		fmt.Fprintf(stderr, "preadmit: no test files (%s) found under %v\n", fileName(o.FileName), o.Paths)
	}
	var suites []*kyvernotest.Suite
	var broken []error
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return &ExitErr{Code: ExitError, Err: err}
		}
		s, err := kyvernotest.Run(f)
		if err != nil {
			var fe *kyvernotest.FileError
			if !errors.As(err, &fe) {
				return &ExitErr{Code: ExitError, Err: err}
			}
			fmt.Fprintf(stderr, "preadmit: %v\n", err)
			broken = append(broken, err)
			continue
		}
		suites = append(suites, s)
	}
	if err := writeTestOutput(stdout, o, suites); err != nil {
		return &ExitErr{Code: ExitError, Err: err}
	}
	if o.JUnit != "" {
		if err := writeJUnitFile(o.JUnit, suites); err != nil {
			return &ExitErr{Code: ExitError, Err: err}
		}
	}
	sum := kyvernotest.Summarize(suites)
	switch {
	case len(broken) > 0:
		return &ExitErr{Code: ExitError, Reported: true, Err: fmt.Errorf("%d test file(s) could not be run", len(broken))}
	case !sum.OK():
		return &ExitErr{Code: ExitViolation, Err: fmt.Errorf("%d tests failed, %d unsupported", sum.Failed, sum.Unsupported)}
	case sum.Skipped > 0 && !o.AllowUnchecked:
		return &ExitErr{Code: ExitViolation, Err: fmt.Errorf("%d expected result(s) not checked (out of scope at render time): --allow-unchecked accepts them", sum.Skipped)}
	}
	return nil
}

func writeTestOutput(w io.Writer, o TestOptions, suites []*kyvernotest.Suite) error {
	switch o.Output {
	case "json":
		return kyvernotest.WriteJSON(w, suites)
	case "junit":
		return kyvernotest.WriteJUnit(w, suites)
	}
	return kyvernotest.WriteText(w, suites, kyvernotest.TextOptions{Detailed: o.Detailed, FailOnly: o.FailOnly})
}

func writeJUnitFile(path string, suites []*kyvernotest.Suite) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--junit: %w", err)
	}
	if err := kyvernotest.WriteJUnit(f, suites); err != nil {
		f.Close()
		return fmt.Errorf("--junit %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("--junit %s: %w", path, err)
	}
	return nil
}

func fileName(n string) string {
	if n == "" {
		return kyvernotest.DefaultFileName
	}
	return n
}
