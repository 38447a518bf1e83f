package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/preadmit/preadmit/internal/cliflags"
	"github.com/preadmit/preadmit/internal/flux"
	"github.com/preadmit/preadmit/pipeline"
)

// newFlux is "preadmit flux": helpers for Flux, whose helm-controller runs
// no exec post-renderer.
func newFlux(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "flux",
		Short: "Export the mutations as Flux HelmRelease post-renderers",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newFluxPostRenderers(stdin, stdout, stderr))
	return cmd
}

func newFluxPostRenderers(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var o flux.Options
	var tty, mode, profile string
	cmd := &cobra.Command{
		Use:   "postrenderers [RENDERED.yaml|-]",
		Short: "Write HelmRelease spec.postRenderers and spec.commonMetadata that reproduce the mutations",
		Long: `Render a chart's manifests with the policies (as "preadmit render" does) and write the
HelmRelease fields with which helm-controller makes the same changes: kustomize images for
rewritten images, strategic merge patches for the other changes, commonMetadata labels for
labels every resource gets. Validation and conditions evaluated at render time cannot be
expressed; the output says so in comments, and on stderr.`,
		Example: `  helm template my-app ./chart | preadmit flux postrenderers --registry mirror.corp.example
  preadmit flux postrenderers rendered.yaml --helmrelease clusters/prod/my-app.yaml`,
		Args: cobra.MaximumNArgs(1),
		PreRunE: func(cmd *cobra.Command, _ []string) error {
			return cliflags.ApplyEnv(cmd)
		},
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if o.Render.Mode, err = pipeline.ParseMode(mode); err != nil {
				return err
			}
			if o.Render.Profile, err = pipeline.ParseProfile(profile); err != nil {
				return err
			}
			if len(args) == 1 {
				o.Input = args[0]
			}
			ch := pipeline.OpenChannels(stderr, pipeline.TTYMode(tty))
			defer ch.Close()
			return flux.PostRenderers(cmd.Context(), o, stdin, stdout, ch)
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVarP(&o.Render.Policies, "policy", "p", nil, "Kyverno policy file or directory (repeatable)")
	fs.BoolVar(&o.Render.NoBuiltin, "no-builtin", false, "do not load the embedded policy library")
	fs.StringSliceVar(&o.Render.Disable, "disable", nil, "policy names to leave out (repeatable, comma-separated)")
	fs.StringSliceVar(&o.Render.Enable, "enable", nil, "opt-in built-in policies to load (repeatable)")
	cliflags.CELObjects(fs, &o.Render.CEL)
	cliflags.ContextFiles(fs, &o.Render.Values)
	fs.StringVar(&profile, "profile", "restricted", "built-in Pod Security Standards profile")
	fs.StringVarP(&mode, "mode", "m", "", "override every rule's failure action: audit, warn or enforce")
	fs.StringVarP(&o.Render.Namespace, "namespace", "n", "default", "namespace of resources that name none (the HelmRelease's targetNamespace)")
	fs.StringVar(&o.Render.Registry.Registry, "registry", "", "mirror registry for the image rewrite (variable preadmit.registry)")
	fs.StringVar(&o.HelmRelease, "helmrelease", "", "patch this HelmRelease file in place instead of printing")
	fs.StringVar(&tty, "tty", string(pipeline.TTYNever), "copy the report to the controlling terminal: auto, always or never")
	return cmd
}
