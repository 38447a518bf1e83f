package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestMakeDemo runs "make demo > demo.log 2>&1", the first command of the
// README, with the real helm, and checks that the log keeps all three
// sections of the demo: the diff, the table report (written to stderr)
// and Helm's enforce failure.
func TestMakeDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("builds preadmit with make")
	}
	mk, err := exec.LookPath("make")
	if err != nil {
		t.Skip("make not found")
	}
	helm := toolBinary(t, "HELM_BIN", "helm")
	tmp := t.TempDir()
	log := filepath.Join(tmp, "demo.log")
	f, err := os.Create(log)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	// BIN puts the binary make builds into the test's own directory.
	cmd := exec.Command(mk, "--no-print-directory", "demo", "BIN="+tmp, "HELM="+helm)
	cmd.Dir = filepath.Join("..", "..")
	cmd.Env = append(os.Environ(), helmHome(t)...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Run(); err != nil {
		t.Fatalf("make demo: %v\n%s", err, krmRead(t, log))
	}
	got := krmRead(t, log)
	for _, want := range []string{
		"== helm template demo charts/demo-app | preadmit render --diff",
		"+++ ", // the diff
		"== the report of the same render (--report-format table)",
		"NAMESPACE   RESOURCES   PASS", // the table, written to stderr
		"FINDINGS",
		"== the same through 'helm template --post-renderer' in enforce mode",
		"Error: error while running post render", // helm's failure
		"disallow-latest-tag/autogen-validate-image-tag",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("demo.log lacks %q:\n%s", want, got)
		}
	}
}
