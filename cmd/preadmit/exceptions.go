package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/preadmit/preadmit/internal/cliflags"
	"github.com/preadmit/preadmit/internal/exceptions"
	"github.com/preadmit/preadmit/pipeline"
)

// newExceptions is "preadmit exceptions", with its "list" sub-command.
func newExceptions(stdin io.Reader, stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "exceptions",
		Short: "Inspect Kyverno PolicyExceptions",
		Args:  cobra.NoArgs,
	}
	cmd.AddCommand(newExceptionsList(stdin, stdout))
	return cmd
}

func newExceptionsList(stdin io.Reader, stdout io.Writer) *cobra.Command {
	var o exceptions.ListOptions
	var format, at string
	cmd := &cobra.Command{
		Use:   "list [PATH...] [-]",
		Short: "List every PolicyException with owner, reason, expiry and days left",
		Example: `  preadmit exceptions list --exceptions ./exceptions
  helm template my-app ./chart | preadmit exceptions list -
  preadmit exceptions list ./exceptions --at 2025-09-30 -o json`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if err := cliflags.ApplyEnv(cmd); err != nil {
				return err
			}
			var err error
			if o.At, err = pipeline.ParseAt(at); err != nil {
				return err
			}
			if o.Format, err = exceptions.ParseFormat(format); err != nil {
				return err
			}
			for _, a := range args {
				if a == "-" {
					o.Stdin = true
					continue
				}
				o.Paths = append(o.Paths, a)
			}
			return exceptions.List(o, stdin, stdout)
		},
	}
	fs := cmd.Flags()
	fs.StringArrayVar(&o.Paths, "exceptions", nil, "Kyverno PolicyException file or directory (repeatable)")
	fs.StringArrayVarP(&o.Policies, "policy", "p", nil, "policy file or directory that may hold PolicyExceptions too (repeatable)")
	fs.StringVarP(&o.Namespace, "namespace", "n", "default", "namespace of exceptions that name none")
	fs.StringVarP(&format, "output", "o", "table", "output format: table or json")
	fs.StringVar(&at, "at", "", "count days left from this RFC 3339 date or date-time instead of now")
	return cmd
}
