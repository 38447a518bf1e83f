package pipeline

import (
	"io"
	"os"

	"golang.org/x/term"
)

// TTYMode says when reports are also written to the controlling terminal.
type TTYMode string

// The --tty values.
const (
	TTYAuto   TTYMode = "auto"
	TTYAlways TTYMode = "always"
	TTYNever  TTYMode = "never"
)

// Channels route diagnostics to where a person sees them. Helm 3 throws a
// post-renderer's stderr away when it succeeds and Helm 4 always hides a
// plugin's stderr, so besides stderr a report also goes to the controlling
// terminal (/dev/tty) when stderr itself is not one.
type Channels struct {
	Stderr io.Writer
	// TTY is the controlling terminal when it should get a copy, or nil.
	TTY io.WriteCloser
	// StderrHidden is set when stderr is never shown, even on failure
	// (running as a Helm 4 plugin).
	StderrHidden bool
}

// OpenChannels decides the channels for this process.
func OpenChannels(stderr io.Writer, mode TTYMode) *Channels {
	c := &Channels{Stderr: stderr, StderrHidden: os.Getenv("HELM_PLUGIN_NAME") != ""}
	if mode == TTYNever || (mode != TTYAlways && isTerminal(stderr)) {
		return c
	}
	if tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0); err == nil {
		c.TTY = tty
	}
	return c
}

// Close releases the terminal.
func (c *Channels) Close() error {
	if c.TTY != nil {
		return c.TTY.Close()
	}
	return nil
}

// Success writes what must reach a person after a successful render.
func (c *Channels) Success(text string) { c.write(text, true) }

// Failure writes a failure report: to stderr, which Helm 3 shows on
// failure, and to the terminal only when stderr stays hidden (Helm 4).
func (c *Channels) Failure(text string) { c.write(text, c.StderrHidden) }

func (c *Channels) write(text string, tty bool) {
	if text == "" {
		return
	}
	_, _ = io.WriteString(c.Stderr, text)
	if tty && c.TTY != nil {
		_, _ = io.WriteString(c.TTY, text)
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}
