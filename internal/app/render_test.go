package app

import (
	"context"
	"errors"
	"io"
	"os"
	"runtime/debug"
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

// TestBoundMemory checks the soft limit a render process sets, and that a
// GOMEMLIMIT of the user's wins.
func TestBoundMemory(t *testing.T) {
	old := debug.SetMemoryLimit(-1)
	defer debug.SetMemoryLimit(old)
	if v, ok := os.LookupEnv("GOMEMLIMIT"); ok {
		defer os.Setenv("GOMEMLIMIT", v)
	}
	os.Unsetenv("GOMEMLIMIT")
	BoundMemory(10 << 20)
	if got, want := debug.SetMemoryLimit(-1), (int64(40<<20+50_000_000))/10*9; got != want {
		t.Errorf("limit %d, want %d", got, want)
	}
	debug.SetMemoryLimit(old)
	t.Setenv("GOMEMLIMIT", "1GiB")
	BoundMemory(10 << 20)
	if got := debug.SetMemoryLimit(-1); got != old {
		t.Errorf("with GOMEMLIMIT set the limit changed to %d", got)
	}
}
