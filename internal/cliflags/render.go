package cliflags

import (
	"github.com/spf13/cobra"

	"github.com/preadmit/preadmit/internal/app"
)

// Render are the flags of render, shared with the root command and with
// "preadmit helm".
type Render struct {
	O   app.RenderOptions
	TTY string
	// Helm names the Kyverno values flags so that Helm's own -f and --set
	// stay free ("preadmit helm").
	Helm bool
}

// Register adds the flags to cmd and reads the ones the command line left
// alone from the environment (ApplyEnv) before the command runs.
func (f *Render) Register(cmd *cobra.Command) {
	fs := cmd.Flags()
	fs.StringArrayVarP(&f.O.Policies.Paths, "policy", "p", nil, "Kyverno policy file or directory (repeatable)")
	fs.BoolVar(&f.O.Policies.NoBuiltin, "no-builtin", false, "do not load the embedded policy library")
	fs.StringSliceVar(&f.O.Policies.Disable, "disable", nil, "policy names to leave out (repeatable, comma-separated)")
	fs.StringSliceVar(&f.O.Policies.Enable, "enable", nil, "opt-in built-in policies to load (repeatable)")
	fs.StringVar((*string)(&f.O.Policies.Profile), "profile", "restricted", "built-in Pod Security Standards: restricted, baseline, none, podsecurity-baseline, podsecurity-restricted")
	fs.StringVarP(&f.O.Mode, "mode", "m", "", "override every rule's failure action: audit, warn or enforce")
	fs.StringVarP(&f.O.Namespace, "namespace", "n", "default", "namespace of resources that name none (as helm install -n)")
	fs.BoolVarP(&f.O.Quiet, "quiet", "q", false, "no audit lines and no summary line on success")
	fs.BoolVar(&f.O.Diff, "diff", false, "print a unified diff of what the mutations change instead of manifests")
	fs.StringVar(&f.O.ReportFile, "report-file", "", "also write the full report to this file (- for stderr)")
	fs.StringVar(&f.O.ReportFormat, "report-format", "lines", "format of --report-file: lines, table, json, policyreport, sarif, junit")
	fs.StringVar(&f.TTY, "tty", string(app.TTYAuto), "copy reports to the controlling terminal: auto, always or never")
	Exceptions(fs, &f.O.Exceptions)
	Registry(fs, &f.O.Registry)
	Values(fs, &f.O.Values, f.Helm)
	fs.StringArrayVar(&f.O.Values.ContextFiles, "context-file", nil, "ConfigMaps for configMap context entries: ConfigMap documents, a List, or a Kyverno CLI Context (repeatable)")
	cmd.PreRunE = func(cmd *cobra.Command, _ []string) error {
		return ApplyEnv(cmd)
	}
}
