// Command preadmit-helm is "preadmit helm template|install|upgrade": Helm 3
// through its Go library, with the policies applied to manifests and hooks.
// It is a binary of its own so that preadmit's other commands do not link
// Helm's SDK; "preadmit helm ..." runs it with the same arguments, and it
// can be run directly ("preadmit-helm template ...").
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/preadmit/preadmit/internal/cliflags"
	"github.com/preadmit/preadmit/pipeline"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = ""

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	// The command tree is "preadmit helm ...", so that usage and help read
	// as they do under preadmit.
	root := &cobra.Command{Use: "preadmit", SilenceUsage: true, SilenceErrors: true}
	root.SetOut(os.Stderr)
	root.SetErr(os.Stderr)
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error {
		return &pipeline.UsageError{Err: err}
	})
	root.AddCommand(newHelm(os.Stdout, os.Stderr))
	code := cliflags.Execute(ctx, root, append([]string{"helm"}, os.Args[1:]...), os.Stderr)
	stop()
	os.Exit(code)
}
