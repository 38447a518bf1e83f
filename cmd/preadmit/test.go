package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/preadmit/preadmit/internal/kyvernotest"

	"github.com/preadmit/preadmit/internal/cliflags"
)

// newTest is "preadmit test": run Kyverno CLI test files (kyverno-test.yaml)
// with preadmit's engine.
func newTest(stdout, stderr io.Writer) *cobra.Command {
	var o kyvernotest.CommandOptions
	var output string
	cmd := &cobra.Command{
		Use:   "test DIR...",
		Short: "Run Kyverno CLI tests (kyverno-test.yaml) with preadmit's engine",
		Example: `  preadmit test policies/
  preadmit test ./my-policies --detailed-results
  preadmit test . --fail-only --junit report.xml`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cliflags.ApplyEnv(cmd); err != nil {
				return err
			}
			var err error
			if o.Output, err = kyvernotest.ParseOutput(output); err != nil {
				return err
			}
			o.Paths = args
			return kyvernotest.Command(cmd.Context(), o, stdout, stderr)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&o.FileName, "file-name", "f", kyvernotest.DefaultFileName, "name of the test files to look for")
	fs.BoolVar(&o.Detailed, "detailed-results", false, "add the MESSAGE column")
	fs.BoolVar(&o.FailOnly, "fail-only", false, "print only the failed results")
	fs.BoolVar(&o.RequireTests, "require-tests", false, "fail (exit 1) when no test file is found")
	fs.BoolVar(&o.AllowUnchecked, "allow-unchecked", false, "accept expected results preadmit does not check (generate rules); without it they fail the run")
	fs.StringVarP(&output, "output", "o", "table", "output format on stdout: table, json or junit")
	fs.StringVar(&o.JUnit, "junit", "", "also write a JUnit XML report to this file")
	return cmd
}
