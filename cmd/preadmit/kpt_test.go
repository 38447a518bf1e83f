package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestKptRender runs the kpt example's pipeline with the real kpt binary
// (KPT_BIN, bin/kpt or PATH, e.g. Debian's /usr/bin/kpt; kpt does not
// install through the module proxy, so the test is skipped where there is
// none): the mutator applies the
// defaults and the mirror, the Enforce validator passes the result.
func TestKptRender(t *testing.T) {
	kpt := toolBinary(t, "KPT_BIN", "kpt")
	dir := krmCopyDir(t, filepath.Join("..", "..", "krm-functions", "kpt"))
	cmd := exec.Command(kpt, "fn", "render", "--allow-exec", dir)
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(preadmitBinary(t))+string(os.PathListSeparator)+os.Getenv("PATH"))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kpt fn render: %v\n%s", err, out)
	}
	app, err := os.ReadFile(filepath.Join(dir, "app.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"image: mirror.corp.example/nginx:", "runAsNonRoot: true", "allowPrivilegeEscalation: false"} {
		if !strings.Contains(string(app), want) {
			t.Errorf("app.yaml after kpt fn render lacks %q:\n%s", want, app)
		}
	}
}
