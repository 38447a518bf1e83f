package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/preadmit/preadmit/internal/app"
)

// boundMemory is set by main: see app.RenderOptions.BoundMemory.
var boundMemory bool

// renderFlags are the flags of render, shared with the root command.
type renderFlags struct {
	o   app.RenderOptions
	tty string
	// helm names the Kyverno values flags so that Helm's own -f and --set
	// stay free ("preadmit helm").
	helm bool
}

func (f *renderFlags) register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringArrayVarP(&f.o.Policies.Paths, "policy", "p", nil, "Kyverno policy file or directory (repeatable)")
	fs.BoolVar(&f.o.Policies.NoBuiltin, "no-builtin", false, "do not load the embedded policy library")
	fs.StringSliceVar(&f.o.Policies.Disable, "disable", nil, "policy names to leave out (repeatable, comma-separated)")
	fs.StringSliceVar(&f.o.Policies.Enable, "enable", nil, "opt-in built-in policies to load (repeatable)")
	fs.StringVar((*string)(&f.o.Policies.Profile), "profile", "restricted", "built-in Pod Security Standards: restricted, baseline, none, podsecurity-baseline, podsecurity-restricted")
	fs.StringVarP(&f.o.Mode, "mode", "m", "", "override every rule's failure action: audit, warn or enforce")
	fs.StringVarP(&f.o.Namespace, "namespace", "n", "default", "namespace of resources that name none (as helm install -n)")
	fs.BoolVarP(&f.o.Quiet, "quiet", "q", false, "no audit lines and no summary line on success")
	fs.BoolVar(&f.o.Diff, "diff", false, "print a unified diff of what the mutations change instead of manifests")
	fs.StringVar(&f.o.ReportFile, "report-file", "", "also write the full report to this file (- for stderr)")
	fs.StringVar(&f.o.ReportFormat, "report-format", "lines", "format of --report-file: lines, table, json, policyreport, sarif, junit")
	fs.StringVar(&f.tty, "tty", string(app.TTYAuto), "copy reports to the controlling terminal: auto, always or never")
	registerExceptionFlags(fs, &f.o.Exceptions)
	registryFlags(fs, &f.o.Registry)
	valuesFlags(fs, &f.o.Values, f.helm)
	fs.StringArrayVar(&f.o.Values.ContextFiles, "context-file", nil, "ConfigMaps for configMap context entries: ConfigMap documents, a List, or a Kyverno CLI Context (repeatable)")
	cmd.PreRunE = func(cmd *cobra.Command, _ []string) error {
		return applyEnv(cmd)
	}
}

func (f *renderFlags) run(cmd *cobra.Command, stdin io.Reader, stdout, stderr io.Writer) error {
	ch := app.OpenChannels(stderr, app.TTYMode(f.tty))
	defer ch.Close()
	f.o.TTY = app.TTYMode(f.tty)
	f.o.Version = preadmitVersion()
	f.o.BoundMemory = boundMemory
	return app.Render(cmd.Context(), f.o, stdin, stdout, ch)
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
	f.register(cmd)
	return cmd
}
