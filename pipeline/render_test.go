package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/preadmit/preadmit/transform"
)

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, errors.New("broken pipe") }

// TestRenderOutputFails checks that a writer failing under the stream (a
// closed pipe) is an input/output error, exit 2, named as the output.
func TestRenderOutputFails(t *testing.T) {
	in := strings.NewReader("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n")
	err := Render(context.Background(), Options{Report: ReportOptions{Quiet: true}}, in, failingWriter{}, OpenChannels(io.Discard, TTYNever))
	if ExitCode(err) != ExitError || !strings.Contains(err.Error(), "writing output: broken pipe") {
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

// deployments is a stream of n Deployments without the team label that
// require-team-label asks for.
func deployments(n int) string {
	var b strings.Builder
	for i := range n {
		fmt.Fprintf(&b, "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-%d\n  labels:\n    app: web\n", i)
	}
	return b.String()
}

// TestRenderFindings checks what a successful render prints: the first
// MaxFindings Audit failures (or warnings) one line each, in stream order,
// then how many more there are and where; the same text on the terminal.
func TestRenderFindings(t *testing.T) {
	const policy = "../cmd/preadmit/testdata/policies/require-team-label.yaml"
	line := func(i int, prefix string) string {
		return fmt.Sprintf("%sdoc %d Deployment default/web-%d: require-team-label/check-team: The label `team` is required.: expected \"?*\", got nothing (the field is missing) (metadata.labels.team)\n", prefix, i, i)
	}
	lines := func(n int, prefix string, fix bool) string {
		var b strings.Builder
		for i := range n {
			b.WriteString(line(i, prefix))
			if fix {
				b.WriteString("  fix: metadata:\n         labels:\n           team: payments\n")
			}
		}
		return b.String()
	}
	summary := func(n int, action string) string {
		return fmt.Sprintf("preadmit: %d resources, 0 mutated, 0 pass, %d fail (%s), 0 warn, 0 error, 0 skip\n", n, n, action)
	}
	reportFile := filepath.Join(t.TempDir(), "report.txt")
	for _, tc := range []struct {
		name string
		docs int
		o    Options
		want string
	}{
		{"audit under the cap", 3, Options{Mode: transform.ModeAudit}, lines(3, "audit: ", false) + summary(3, "audit")},
		{"audit at the cap", 10, Options{Mode: transform.ModeAudit}, lines(10, "audit: ", false) + summary(10, "audit")},
		{"audit over the cap", 12, Options{Mode: transform.ModeAudit},
			lines(10, "audit: ", false) + "and 2 more — use --report-file FILE\n" + summary(12, "audit")},
		{"audit with a report file", 12, Options{Mode: transform.ModeAudit, Report: ReportOptions{File: reportFile}},
			lines(10, "audit: ", false) + "and 2 more — see " + reportFile + "\n" + summary(12, "audit")},
		{"audit quiet", 12, Options{Mode: transform.ModeAudit, Report: ReportOptions{Quiet: true}}, ""},
		{"warn over the cap", 11, Options{Mode: transform.ModeWarn, Report: ReportOptions{Quiet: true}},
			lines(10, "warning: ", true) + "and 1 more — use --report-file FILE\n" + summary(11, "warn")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.o.NoBuiltin, tc.o.Policies = true, []string{policy}
			var stderr bytes.Buffer
			tty := &nopCloser{}
			ch := &Channels{Stderr: &stderr, TTY: tty}
			if err := Render(context.Background(), tc.o, strings.NewReader(deployments(tc.docs)), io.Discard, ch); err != nil {
				t.Fatal(err)
			}
			if stderr.String() != tc.want {
				t.Errorf("stderr:\n%s\nwant:\n%s", stderr.String(), tc.want)
			}
			if tty.String() != tc.want {
				t.Errorf("the terminal got:\n%s\nwant what stderr got", tty.String())
			}
		})
	}
}
