package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"

	"github.com/spf13/cobra"

	"github.com/preadmit/preadmit/internal/sibling"
	"github.com/preadmit/preadmit/pipeline"
)

// helmBinary is the program "preadmit helm" runs: Helm's SDK lives in a
// binary of its own, so that render, fn, test and the other commands pay
// nothing for it at start-up.
const helmBinary = "preadmit-helm"

// newHelm is "preadmit helm template|install|upgrade". It runs
// preadmit-helm with the same arguments, stdin, stdout and stderr and ends
// with its exit code; "preadmit help helm" prints preadmit-helm's help.
func newHelm(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:                "helm",
		Short:              "helm template|install|upgrade with the policies applied to manifests and hooks",
		DisableFlagParsing: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			return runHelm(cmd.Context(), args, stdin, stdout, stderr)
		},
	}
	cmd.SetHelpFunc(func(cmd *cobra.Command, _ []string) {
		if err := runHelm(cmd.Context(), []string{"--help"}, stdin, stdout, stderr); err != nil {
			fmt.Fprintf(stderr, "preadmit: %v\n", err)
		}
	})
	return cmd
}

// runHelm runs preadmit-helm; its exit code, when not 0, comes back as a
// *pipeline.ExitStatusError: its stderr has said why.
func runHelm(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	bin, err := sibling.Find(helmBinary, `"preadmit helm"`)
	if err != nil {
		return err
	}
	if ctx == nil {
		ctx = context.Background()
	}
	c := exec.CommandContext(ctx, bin, args...)
	c.Stdin, c.Stdout, c.Stderr = stdin, stdout, stderr
	c.Cancel = func() error { return c.Process.Signal(os.Interrupt) }
	err = c.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee) && ee.ExitCode() >= 0:
		return &pipeline.ExitStatusError{Code: ee.ExitCode(), Err: err}
	case err != nil:
		return fmt.Errorf("run %s: %w", bin, err)
	}
	return nil
}
