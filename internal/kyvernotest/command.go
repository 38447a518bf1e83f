package kyvernotest

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/preadmit/preadmit/pipeline"
)

// OutputFormat is the format of "preadmit test"'s stdout.
type OutputFormat string

// The --output values.
const (
	OutputTable OutputFormat = "table"
	OutputJSON  OutputFormat = "json"
	OutputJUnit OutputFormat = "junit"
)

// ParseOutput reads an --output value; "" is table.
func ParseOutput(s string) (OutputFormat, error) {
	switch f := OutputFormat(s); f {
	case "":
		return OutputTable, nil
	case OutputTable, OutputJSON, OutputJUnit:
		return f, nil
	}
	return "", pipeline.Usagef("--output %q: expected table, json or junit", s)
}

// CommandOptions are the settings of "preadmit test".
type CommandOptions struct {
	// Paths are directories searched recursively for FileName, or test
	// files given by name.
	Paths    []string
	FileName string
	// Detailed adds the MESSAGE column; FailOnly prints failed rows only.
	Detailed, FailOnly bool
	// RequireTests makes finding no test file a failure.
	RequireTests bool
	// Output is the format on stdout.
	Output OutputFormat
	// JUnit, when set, also writes a JUnit XML report to this file.
	JUnit string
	// AllowUnchecked accepts expected results that preadmit reports as
	// not checked (Skip: generate rules, out of scope at render time);
	// without it they fail the run, so that a green run means checked.
	AllowUnchecked bool
}

// Command runs Kyverno CLI test files with the engine. It returns nil when
// every expected result matched; a *pipeline.FailedError when some did
// not (or were unsupported, or not checked without AllowUnchecked, or no
// test was found with RequireTests); any other error when a test file or a
// file it names is unreadable or invalid.
func Command(ctx context.Context, o CommandOptions, stdout, stderr io.Writer) error {
	files, err := Discover(o.Paths, o.FileName)
	if err != nil {
		return err
	}
	if len(files) == 0 {
		if o.RequireTests {
			return &pipeline.FailedError{Err: fmt.Errorf("no test files (%s) found under %v", fileName(o.FileName), o.Paths)}
		}
		fmt.Fprintf(stderr, "preadmit: no test files (%s) found under %v\n", fileName(o.FileName), o.Paths)
	}
	var suites []*Suite
	var broken []error
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		ss, err := Run(f)
		if err != nil {
			var fe *FileError
			if !errors.As(err, &fe) {
				return err
			}
			fmt.Fprintf(stderr, "preadmit: %v\n", err)
			broken = append(broken, err)
			continue
		}
		suites = append(suites, ss...)
	}
	if err := writeTestOutput(stdout, o, suites); err != nil {
		return err
	}
	if o.JUnit != "" {
		if err := writeJUnitFile(o.JUnit, suites); err != nil {
			return err
		}
	}
	sum := Summarize(suites)
	switch {
	case len(broken) > 0:
		return fmt.Errorf("%d test file(s) could not be run", len(broken))
	case !sum.OK():
		return &pipeline.FailedError{Err: fmt.Errorf("%d tests failed, %d unsupported", sum.Failed, sum.Unsupported)}
	case sum.Skipped > 0 && !o.AllowUnchecked:
		return &pipeline.FailedError{Err: fmt.Errorf("%d expected result(s) not checked (out of scope at render time): --allow-unchecked accepts them", sum.Skipped)}
	}
	return nil
}

func writeTestOutput(w io.Writer, o CommandOptions, suites []*Suite) error {
	switch o.Output {
	case OutputJSON:
		return WriteJSON(w, suites)
	case OutputJUnit:
		return WriteJUnit(w, suites)
	}
	return WriteText(w, suites, TextOptions{Detailed: o.Detailed, FailOnly: o.FailOnly})
}

func writeJUnitFile(path string, suites []*Suite) error {
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("--junit: %w", err)
	}
	if err := WriteJUnit(f, suites); err != nil {
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
		return DefaultFileName
	}
	return n
}
