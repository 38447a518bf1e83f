package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/preadmit/preadmit/pipeline"
	"github.com/preadmit/preadmit/transform/policy"

	"github.com/preadmit/preadmit/internal/cliflags"
)

// newPolicies is "preadmit policies": list the policies a render would
// run, and on stderr those it reads and does not apply.
func newPolicies(stdout, stderr io.Writer) *cobra.Command {
	var o pipeline.Options
	var profile string
	cmd := &cobra.Command{
		Use:   "policies",
		Short: "List the policies and rules a render would apply",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := cliflags.ApplyEnv(cmd); err != nil {
				return err
			}
			var err error
			if o.Profile, err = pipeline.ParseProfile(profile); err != nil {
				return err
			}
			set, err := pipeline.LoadPolicies(o)
			if err != nil {
				return err
			}
			for _, n := range set.NotApplied {
				fmt.Fprintln(stderr, n)
			}
			return listPolicies(stdout, set.Policies)
		},
	}
	cmd.Flags().StringArrayVarP(&o.Policies, "policy", "p", nil, "Kyverno policy file or directory (repeatable)")
	cmd.Flags().BoolVar(&o.NoBuiltin, "no-builtin", false, "do not load the embedded policy library")
	cmd.Flags().StringSliceVar(&o.Disable, "disable", nil, "policy names to leave out")
	cmd.Flags().StringSliceVar(&o.Enable, "enable", nil, "opt-in built-in policies to load")
	cmd.Flags().StringVar(&profile, "profile", "restricted", "built-in Pod Security Standards profile")
	return cmd
}

func listPolicies(w io.Writer, ps []*policy.Policy) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "POLICY\tRULE\tTYPE\tACTION\tCATEGORY\tSOURCE")
	for _, p := range ps {
		for _, r := range p.Rules {
			action := "-"
			if r.RuleType() == policy.RuleValidation {
				action = string(p.Action(r))
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", p.Name, r.Name, r.RuleType(), action, p.Category(), p.File)
		}
	}
	return tw.Flush()
}
