package cliflags

import (
	"github.com/spf13/cobra"

	"github.com/preadmit/preadmit/pipeline"
)

// Render are the flags of render, shared with the root command and with
// "preadmit helm". The typed settings (mode, profile, report format,
// --at) are read as strings and parsed once, by Options.
type Render struct {
	o pipeline.Options
	// The flags parsed by Options.
	mode, profile, format, at string
	// TTY is the --tty value.
	TTY string
	// Helm names the Kyverno values flags so that Helm's own -f and --set
	// stay free ("preadmit helm").
	Helm bool
}

// Register adds the flags to cmd and reads the ones the command line left
// alone from the environment (ApplyEnv) before the command runs.
func (f *Render) Register(cmd *cobra.Command) {
	fs := cmd.Flags()
	Policies(fs, &f.o, &f.profile)
	CELObjects(fs, &f.o.CEL)
	fs.StringVarP(&f.mode, "mode", "m", "", "override every rule's failure action: audit, warn or enforce")
	fs.StringVarP(&f.o.Namespace, "namespace", "n", "default", "namespace of resources that name none (as helm install -n)")
	fs.BoolVarP(&f.o.Report.Quiet, "quiet", "q", false, "no audit lines and no summary line on success")
	fs.BoolVar(&f.o.Diff, "diff", false, "print a unified diff of what the mutations change instead of manifests")
	fs.StringVar(&f.o.Report.File, "report-file", "", "also write the full report to this file (- for stderr)")
	fs.StringVar(&f.format, "report-format", "lines", "format of --report-file: lines, table, json, policyreport, sarif, junit")
	fs.StringVar(&f.TTY, "tty", string(pipeline.TTYAuto), "copy reports to the controlling terminal: auto, always or never")
	Exceptions(fs, &f.o.Exceptions, &f.at)
	Registry(fs, &f.o.Registry)
	Values(fs, &f.o.Values, f.Helm)
	ContextFiles(fs, &f.o.Values)
	cmd.PreRunE = func(cmd *cobra.Command, _ []string) error {
		return ApplyEnv(cmd)
	}
}

// Options are the render settings the flags give, typed: the mode, report
// format, --at and profile parsed here, in that order, so that the first
// wrong one is named.
func (f *Render) Options() (pipeline.Options, error) {
	o := f.o
	var err error
	if o.Mode, err = pipeline.ParseMode(f.mode); err != nil {
		return o, err
	}
	if o.Report.Format, err = pipeline.ParseFormat(f.format); err != nil {
		return o, err
	}
	if o.Exceptions.At, err = pipeline.ParseAt(f.at); err != nil {
		return o, err
	}
	if o.Profile, err = pipeline.ParseProfile(f.profile); err != nil {
		return o, err
	}
	return o, nil
}

// Diff reports whether --diff is set.
func (f *Render) Diff() bool { return f.o.Diff }
