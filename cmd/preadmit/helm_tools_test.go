package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// The end-to-end tests run the real helm binaries with the real preadmit
// binary as post-renderer. The binary is $PREADMIT_BIN when set (make unit
// sets it to the bin/preadmit it built, with bin/preadmit-helm and
// bin/preadmit-authz beside it),
// otherwise both are built once per test process, on first use, into a
// directory TestMain removes.
var preadmitBuild struct {
	once sync.Once
	dir  string
	path string
	err  error
}

func TestMain(m *testing.M) {
	code := m.Run()
	if preadmitBuild.dir != "" {
		os.RemoveAll(preadmitBuild.dir)
	}
	os.Exit(code)
}

// preadmitBinary returns the path of a preadmit binary built from this tree.
func preadmitBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("PREADMIT_BIN"); p != "" {
		abs, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return abs
	}
	b := &preadmitBuild
	b.once.Do(func() {
		if b.dir, b.err = os.MkdirTemp("", "preadmit-e2e-"); b.err != nil {
			return
		}
		b.path = filepath.Join(b.dir, "preadmit")
		out, err := exec.Command("go", "build", "-o", b.dir+string(filepath.Separator), ".", "../preadmit-helm", "../preadmit-authz").CombinedOutput()
		if err != nil {
			b.err = errors.New("go build: " + err.Error() + "\n" + string(out))
		}
	})
	if b.err != nil {
		t.Fatal(b.err)
	}
	return b.path
}

// toolBinary finds a pinned tool: the environment variable make unit sets
// (HELM_BIN, HELM4_BIN), else bin/<name> of this repository, else PATH. The
// test is skipped only when none has it.
func toolBinary(t *testing.T, env, name string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		return p
	}
	if p, err := filepath.Abs(filepath.Join("..", "..", "bin", name)); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	t.Skipf("%s not found: set %s or run make tools", name, env)
	return ""
}

// toolResult is what one run of an external tool printed.
type toolResult struct {
	code           int
	stdout, stderr string
}

// runTool runs bin with args and extra environment. The environment is the
// test's own plus helmHome's settings, so no user configuration leaks in.
func runTool(t *testing.T, env []string, bin string, args ...string) toolResult {
	t.Helper()
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	return runExec(t, cmd)
}

// runExec runs a prepared command and returns what it printed and its exit
// code; a command that cannot start fails the test.
func runExec(t *testing.T, cmd *exec.Cmd) toolResult {
	t.Helper()
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	res := toolResult{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		res.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("%s: %v", strings.Join(cmd.Args, " "), err)
	}
	return res
}

// helmHome is a fresh Helm home: cache, config, data and plugins in a
// temporary directory, the terminal channel off, and a KUBECONFIG that
// points nowhere unless the test sets its own.
func helmHome(t *testing.T) []string {
	t.Helper()
	home := t.TempDir()
	return []string{
		"HELM_CACHE_HOME=" + filepath.Join(home, "cache"),
		"HELM_CONFIG_HOME=" + filepath.Join(home, "config"),
		"HELM_DATA_HOME=" + filepath.Join(home, "data"),
		// helm 4.3's "plugin install" writes to $HELM_DATA_HOME/plugins
		// whatever HELM_PLUGINS says; keep the two the same.
		"HELM_PLUGINS=" + filepath.Join(home, "data", "plugins"),
		"KUBECONFIG=" + filepath.Join(home, "no-kubeconfig"),
		"PREADMIT_TTY=never",
	}
}

// manifestDoc returns the document of a multi-document stream whose kind
// and name are given, or "".
func manifestDoc(stream, kind, name string) string {
	for _, d := range strings.Split(stream, "\n---") {
		if strings.Contains(d, "\nkind: "+kind+"\n") && strings.Contains(d, "\n  name: "+name+"\n") {
			return d
		}
	}
	return ""
}
