package cliflags

import (
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// ApplyEnv sets every flag the command line left alone from its environment
// variable, PREADMIT_<FLAG> with dashes as underscores (PREADMIT_MODE,
// PREADMIT_POLICY, PREADMIT_REPORT_FILE, ...). Helm's --post-renderer-args
// are awkward and Helm 4 only appends them, so everything can come from
// the environment. List values are comma-separated.
func ApplyEnv(cmd *cobra.Command) error {
	var err error
	cmd.Flags().VisitAll(func(f *pflag.Flag) {
		if err != nil || f.Changed {
			return
		}
		name := "PREADMIT_" + strings.ToUpper(strings.ReplaceAll(f.Name, "-", "_"))
		v, ok := os.LookupEnv(name)
		if !ok {
			return
		}
		values := []string{v}
		if f.Value.Type() == "stringArray" {
			values = strings.Split(v, ",")
		}
		for _, x := range values {
			if e := f.Value.Set(x); e != nil {
				err = fmt.Errorf("%s=%q: %w", name, v, e)
				return
			}
		}
	})
	return err
}
