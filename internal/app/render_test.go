package app

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// TestRenderOutputFails checks that a writer failing under the stream (a
// closed pipe) is an input/output error, exit 2, named as the output.
func TestRenderOutputFails(t *testing.T) {
	in := strings.NewReader("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
	err := Render(context.Background(), RenderOptions{Quiet: true, TTY: TTYNever}, in, failingWriter{}, OpenChannels(io.Discard, TTYNever))
	var ee *ExitErr
	if !errors.As(err, &ee) || ee.Code != ExitError || !strings.Contains(err.Error(), "writing output: broken pipe") {
		t.Fatalf("got %v, want exit %d writing output: broken pipe", err, ExitError)
	}
}
