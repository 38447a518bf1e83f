package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/preadmit/preadmit/internal/cliflags"
	"github.com/preadmit/preadmit/pipeline"
)

// boundMemory is set by main: see pipeline.Options.BoundMemory.
var boundMemory bool

// renderFlags are the flags of render, shared with the root command.
type renderFlags struct{ cliflags.Render }

func (f *renderFlags) run(cmd *cobra.Command, stdin io.Reader, stdout, stderr io.Writer) error {
	o, err := f.Options()
	if err != nil {
		return err
	}
	o.Report.ToolVersion, o.BoundMemory = preadmitVersion(), boundMemory
	ch := pipeline.OpenChannels(stderr, pipeline.TTYMode(f.TTY))
	defer ch.Close()
	return pipeline.Render(cmd.Context(), o, stdin, stdout, ch)
}

func newRender(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	f := &renderFlags{}
	cmd := &cobra.Command{
		Use:   "render",
		Short: "Mutate and validate a manifest stream (stdin to stdout)",
		Example: `  helm template my-app ./chart | preadmit render
  helm install my-app ./chart --post-renderer preadmit
  preadmit render -p ./my-policies --mode enforce < rendered.yaml > out.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return f.run(cmd, stdin, stdout, stderr)
		},
	}
	f.Register(cmd)
	return cmd
}
