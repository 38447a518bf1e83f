package cliflags

import (
	"context"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/preadmit/preadmit/pipeline"
)

// Execute runs root with args and returns the exit code pipeline.ExitCode
// decides for its error, whose message it prints on stderr after
// "preadmit: " unless the error is a child's exit status (pipeline.Silent).
func Execute(ctx context.Context, root *cobra.Command, args []string, stderr io.Writer) int {
	if args == nil {
		args = []string{} // cobra reads os.Args for a nil slice
	}
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err != nil && !pipeline.Silent(err) {
		fmt.Fprintf(stderr, "preadmit: %v\n", err)
	}
	return pipeline.ExitCode(err)
}
