package main

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestReportFileStderr runs the binary with stdout and stderr redirected
// into one log that already holds a line, as "make demo > demo.log 2>&1"
// does, and a report file that is stderr: the log must keep its first
// line, the report and the summary. Opening /dev/stderr anew would
// truncate the log (or write over it from its start).
func TestReportFileStderr(t *testing.T) {
	bin := preadmitBinary(t)
	in := filepath.Join("testdata", "input", "demo-app.yaml")
	for _, path := range []string{"-", "/dev/stderr", "/dev/fd/2"} {
		t.Run(path, func(t *testing.T) {
			log := filepath.Join(t.TempDir(), "demo.log")
			if err := os.WriteFile(log, []byte("== before the render\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := os.OpenFile(log, os.O_WRONLY|os.O_APPEND, 0)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			stdin, err := os.Open(in)
			if err != nil {
				t.Fatal(err)
			}
			defer stdin.Close()
			cmd := exec.Command(bin, "render", "--tty=never", "--report-file", path, "--report-format", "table")
			cmd.Stdin, cmd.Stdout, cmd.Stderr = stdin, f, f
			if err := cmd.Run(); err != nil {
				t.Fatalf("render --report-file %s: %v", path, err)
			}
			got := krmRead(t, log)
			for _, want := range []string{"== before the render\n", "NAMESPACE   RESOURCES", "FINDINGS", "kind: Deployment", "preadmit: "} {
				if !strings.Contains(got, want) {
					t.Errorf("the log lacks %q:\n%s", want, got)
				}
			}
			if !strings.HasPrefix(got, "== before the render\n") {
				t.Errorf("the log was overwritten from its start:\n%.300s", got)
			}
		})
	}
}

// TestReportFileStdout refuses a report file that is the manifests'
// stdout: the report would be mixed into the manifests. /dev/null, a
// character device, stays allowed.
func TestReportFileStdout(t *testing.T) {
	bin := preadmitBinary(t)
	in, err := os.ReadFile(filepath.Join("testdata", "input", "demo-app.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "out.yaml")
	f, err := os.Create(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cmd := exec.Command(bin, "render", "--tty=never", "--report-file", "/dev/stdout")
	cmd.Stdin, cmd.Stdout = strings.NewReader(string(in)), f
	stderr, err := cmdStderr(cmd)
	if code := exitCode(t, err); code != 2 || !strings.Contains(stderr, "is preadmit's stdout") {
		t.Errorf("--report-file /dev/stdout into a file: exit %d, stderr %q; want exit 2 naming stdout", code, stderr)
	}
	if b := krmRead(t, out); b != "" {
		t.Errorf("stdout after the refusal: %q", b)
	}
	// stdout is /dev/null here, as is the report file.
	cmd = exec.Command(bin, "render", "--tty=never", "-q", "--report-file", os.DevNull)
	cmd.Stdin = strings.NewReader(string(in))
	if stderr, err := cmdStderr(cmd); err != nil {
		t.Errorf("--report-file %s with stdout there too: %v\n%s", os.DevNull, err, stderr)
	}
}

func cmdStderr(cmd *exec.Cmd) (string, error) {
	var b strings.Builder
	cmd.Stderr = &b
	err := cmd.Run()
	return b.String(), err
}

func exitCode(t *testing.T, err error) int {
	t.Helper()
	if err == nil {
		return 0
	}
	var ee *exec.ExitError
	if !errors.As(err, &ee) {
		t.Fatal(err)
	}
	return ee.ExitCode()
}
