package main

import (
	"io/fs"
	"maps"
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

// TestKptExampleAsDocumented runs the kpt commands of docs/krm-function.md
// and the README as written, from the repository root with preadmit on
// PATH, and checks that they print the rendered package and leave the
// checkout's files as they were (without -o, kpt rewrites a package in
// place).
func TestKptExampleAsDocumented(t *testing.T) {
	kpt := toolBinary(t, "KPT_BIN", "kpt")
	root := filepath.Join("..", "..")
	pkg := filepath.Join(root, "krm-functions", "kpt")
	before := readTree(t, pkg)
	for _, args := range [][]string{
		{"fn", "render", "krm-functions/kpt", "--allow-exec", "-o", "unwrap"},
		{"fn", "eval", "krm-functions/kpt", "--exec", "preadmit fn", "--fn-config", "krm-functions/kpt/preadmit-mutate.yaml", "-o", "unwrap"},
		{"fn", "eval", "krm-functions/kpt", "--exec", "preadmit fn", "-o", "unwrap", "--", "mode=enforce", "registry=mirror.corp.example"},
	} {
		cmd := exec.Command(kpt, args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(preadmitBinary(t))+string(os.PathListSeparator)+os.Getenv("PATH"))
		var stderr strings.Builder
		cmd.Stderr = &stderr
		out, err := cmd.Output()
		if err != nil {
			t.Fatalf("kpt %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
		}
		for _, want := range []string{"kind: Deployment", "image: mirror.corp.example/nginx:", "runAsNonRoot: true"} {
			if !strings.Contains(string(out), want) {
				t.Errorf("kpt %s printed no %q:\n%s", strings.Join(args, " "), want, out)
			}
		}
		after := readTree(t, pkg)
		if !maps.Equal(before, after) {
			t.Fatalf("kpt %s changed the checkout's %s", strings.Join(args, " "), pkg)
		}
	}
}

// readTree returns every file under dir by its relative path.
func readTree(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		files[rel] = string(b)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}
