package main

import (
	"context"
	"io"
	"os"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/preadmit/preadmit/internal/cliflags"
	"github.com/preadmit/preadmit/pipeline"
)

// run builds the command tree, runs it and returns the exit code.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return cliflags.Execute(ctx, newRoot(stdin, stdout, stderr), args, stderr)
}

// newRoot is "preadmit". Without a sub-command and with manifests on stdin it
// renders, because that is how Helm 3 runs a post-renderer.
func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	ro := &renderFlags{}
	root := &cobra.Command{
		Use:   "preadmit",
		Short: "Apply Kyverno policies to rendered manifests, before admission",
		Long: `preadmit applies the Kyverno ClusterPolicy and Policy files a cluster already runs to
rendered manifests: mutate rules first, then validation. Use it as a Helm post-renderer,
a KRM function or a CI filter. With no sub-command and manifests on stdin it renders.`,
		Version:       preadmitVersion(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
				return cmd.Help()
			}
			return ro.run(cmd, stdin, stdout, stderr)
		},
	}
	root.SetOut(stderr)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &pipeline.UsageError{Err: err}
	})
	ro.Register(root)
	root.AddCommand(newRender(stdin, stdout, stderr))
	root.AddCommand(newPolicies(stdout, stderr))
	root.AddCommand(newTest(stdout, stderr))
	root.AddCommand(newFn(stdin, stdout, stderr))
	root.AddCommand(newFlux(stdin, stdout, stderr))
	root.AddCommand(newExceptions(stdin, stdout))
	root.AddCommand(newImages(stdin, stdout, stderr))
	root.AddCommand(newHelm(stdin, stdout, stderr))
	return root
}
