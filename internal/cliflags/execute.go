package cliflags

import (
	"context"
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/preadmit/preadmit/internal/app"
)

// Execute runs root with args and returns the exit code: 0, or the code of
// the error's *app.ExitErr (2 for any other error), whose message it
// prints on stderr after "preadmit: " unless the error is Silent.
func Execute(ctx context.Context, root *cobra.Command, args []string, stderr io.Writer) int {
	if args == nil {
		args = []string{} // cobra reads os.Args for a nil slice
	}
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return app.ExitOK
	}
	var ee *app.ExitErr
	switch {
	case errors.As(err, &ee) && ee.Silent:
	case ee == nil || !ee.Reported:
		fmt.Fprintf(stderr, "preadmit: %v\n", err)
	default:
		fmt.Fprintf(stderr, "preadmit: %v\n", ee.Err)
	}
	return app.Code(err)
}
