package main

import (
	"io"

	"github.com/spf13/cobra"
	"sigs.k8s.io/kustomize/kyaml/fn/framework/command"

	"github.com/preadmit/preadmit/internal/krm"
)

// newFn is "preadmit fn": the KRM function. Its settings come from the
// ResourceList's functionConfig (docs/krm-function.md), not from flags.
func newFn(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	cmd := command.Build(&krm.Function{Stderr: stderr, Version: preadmitVersion()}, command.StandaloneDisabled, true)
	cmd.Use = "fn"
	cmd.Short = "Run as a KRM function (kustomize, kpt): a ResourceList on stdin to stdout"
	cmd.Long = `Run as a KRM function: read a config.kubernetes.io/v1 ResourceList on stdin, apply the
policies to its items and write the ResourceList, with results, to stdout. The functionConfig is a
fn.preadmit.io/v1alpha1 Preadmit object or a ConfigMap with the same keys; Kyverno policies and
PolicyExceptions among the items are applied and left out of the output.`
	cmd.Example = `  kustomize build --enable-alpha-plugins --enable-exec krm-functions/kustomize
  kpt fn eval ./package --exec "preadmit fn" --fn-config preadmit.yaml`
	// kyaml's standalone mode joins the files it is given without document
	// separators, merging the last document of one with the first of the
	// next: only the ResourceList form is offered.
	cmd.Args = cobra.NoArgs
	cmd.SetIn(stdin)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	return cmd
}
