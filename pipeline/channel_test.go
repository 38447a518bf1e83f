package pipeline

import (
	"bytes"
	"testing"
)

type nopCloser struct{ bytes.Buffer }

func (*nopCloser) Close() error { return nil }

// Helm 3 drops a post-renderer's stderr on success and Helm 4 always: the
// report is copied to the terminal then, and failures only when stderr is
// hidden (Helm 3 prints stderr on failure itself).
func TestChannels(t *testing.T) {
	for _, tc := range []struct {
		name        string
		hidden      bool
		failure     bool
		stderr, tty string
	}{
		{"helm3-success", false, false, "report\n", "report\n"},
		{"helm3-failure", false, true, "report\n", ""},
		{"helm4-success", true, false, "report\n", "report\n"},
		{"helm4-failure", true, true, "report\n", "report\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var stderr bytes.Buffer
			tty := &nopCloser{}
			c := &Channels{Stderr: &stderr, TTY: tty, StderrHidden: tc.hidden}
			if tc.failure {
				c.Failure("report\n")
			} else {
				c.Success("report\n")
			}
			if stderr.String() != tc.stderr || tty.String() != tc.tty {
				t.Errorf("stderr %q tty %q, want %q %q", stderr.String(), tty.String(), tc.stderr, tc.tty)
			}
		})
	}
	var stderr bytes.Buffer
	c := &Channels{Stderr: &stderr}
	c.Success("")
	c.Failure("x\n") // no terminal: stderr only
	if stderr.String() != "x\n" {
		t.Errorf("without a terminal: stderr %q", stderr.String())
	}
}

// --tty=never never opens the terminal; the plugin environment marks stderr
// hidden.
func TestOpenChannels(t *testing.T) {
	t.Setenv("HELM_PLUGIN_NAME", "preadmit")
	c := OpenChannels(&bytes.Buffer{}, TTYNever)
	defer c.Close()
	if c.TTY != nil {
		t.Error("--tty=never opened the terminal")
	}
	if !c.StderrHidden {
		t.Error("under a Helm plugin stderr is hidden")
	}
}
