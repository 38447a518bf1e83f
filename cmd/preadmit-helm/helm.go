package main

import (
	"errors"
	"io"
	"time"

	"github.com/spf13/cobra"

	"github.com/preadmit/preadmit/internal/cliflags"
	"github.com/preadmit/preadmit/internal/helmrun"
	"github.com/preadmit/preadmit/pipeline"
)

// newHelm is "preadmit helm template|install|upgrade": Helm 3 through its Go
// library, with the policies applied to the hooks too.
func newHelm(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "helm",
		Short: "helm template|install|upgrade with the policies applied to manifests and hooks",
		Long: `Helm 3 never passes hook manifests (helm.sh/hook) to a post-renderer, so a chart's
hook Jobs escape every policy. These commands run Helm 3's library with preadmit as the
post-renderer and apply the same policies to the hooks; one Enforce violation anywhere
and nothing is printed or installed.`,
	}
	for _, c := range []helmrun.Command{helmrun.Template, helmrun.Install, helmrun.Upgrade} {
		cmd.AddCommand(newHelmCommand(c, stdout, stderr))
	}
	return cmd
}

func newHelmCommand(c helmrun.Command, stdout, stderr io.Writer) *cobra.Command {
	f := &cliflags.Render{Helm: true}
	var o helmrun.Options
	cmd := &cobra.Command{
		Use:   string(c) + " NAME CHART",
		Short: "helm " + string(c) + " with preadmit's policies on manifests and hooks",
		Example: "  preadmit helm " + string(c) + " my-app ./chart -n shop -f values.yaml --mode enforce" +
			map[helmrun.Command]string{helmrun.Template: " --kube-version 1.31.0", helmrun.Install: " --dry-run", helmrun.Upgrade: " --install"}[c],
		Args: cobra.ExactArgs(2),
		RunE: func(cmd *cobra.Command, args []string) error {
			if f.Diff() {
				return &pipeline.UsageError{Err: errors.New("--diff is not supported by preadmit helm: use helm template ... | preadmit render --diff")}
			}
			ro, err := f.Options()
			if err != nil {
				return err
			}
			ro.Report.ToolVersion = cliflags.Version(version)
			ch := pipeline.OpenChannels(stderr, pipeline.TTYMode(f.TTY))
			defer ch.Close()
			o.Command, o.Release, o.Chart, o.Render = c, args[0], args[1], ro
			return helmrun.Run(cmd.Context(), o, nil, stdout, ch)
		},
	}
	f.Register(cmd)
	fs := cmd.Flags()
	fs.StringArrayVarP(&o.ValueFiles, "values", "f", nil, "values file (repeatable)")
	fs.StringArrayVar(&o.Values, "set", nil, "set a value, key=value (repeatable)")
	fs.StringArrayVar(&o.StringValues, "set-string", nil, "set a string value, key=value (repeatable)")
	fs.StringVar(&o.Version, "version", "", "chart version, for a repository or OCI chart")
	fs.StringVar(&o.KubeVersion, "kube-version", "", "Kubernetes version of a client-side render (template, --dry-run)")
	if c != helmrun.Template {
		fs.BoolVar(&o.DryRun, "dry-run", false, "render client-side and print the manifests; contact no cluster")
		fs.DurationVar(&o.Timeout, "timeout", 5*time.Minute, "time to wait for each hook and for --wait")
		fs.BoolVar(&o.Wait, "wait", false, "wait until the resources are ready")
		fs.BoolVar(&o.Atomic, "atomic", false, "roll back a failed "+string(c)+" (implies --wait)")
		fs.BoolVar(&o.CreateNamespace, "create-namespace", false, "create the release namespace if it does not exist (on install)")
	}
	if c == helmrun.Upgrade {
		fs.BoolVarP(&o.UpgradeInstall, "install", "i", false, "install when the release does not exist")
	}
	return cmd
}
