package main

import (
	"bytes"
	"context"
	"os/exec"
	"strings"
	"testing"
)

// TestRenderBinaryLinksNoHelm: the preadmit binary (render, fn, test,
// images, flux, policies) links no Helm package and no client-go clientset
// or scheme, whose package initialisation every start would pay; they
// belong to preadmit-helm alone.
func TestRenderBinaryLinksNoHelm(t *testing.T) {
	for _, tc := range []struct {
		pkg  string
		want bool
	}{{".", false}, {"../preadmit-helm", true}} {
		out, err := exec.Command("go", "list", "-deps", tc.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", tc.pkg, err, out)
		}
		var heavy []string
		for _, p := range strings.Fields(string(out)) {
			if strings.HasPrefix(p, "helm.sh/") || strings.HasPrefix(p, "k8s.io/client-go/kubernetes") {
				heavy = append(heavy, p)
			}
		}
		if got := len(heavy) > 0; got != tc.want {
			t.Errorf("go list -deps %s: Helm or client-go clientset packages %v, want linked=%v", tc.pkg, heavy, tc.want)
		}
	}
}

// TestHelmBinaryMissing: without preadmit-helm beside preadmit or on PATH,
// "preadmit helm" exits 2 and says how to get it.
func TestHelmBinaryMissing(t *testing.T) {
	t.Setenv("PATH", t.TempDir())
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"helm", "template", "demo", "../../charts/demo-app"}, strings.NewReader(""), &stdout, &stderr)
	res := toolResult{code: code, stdout: stdout.String(), stderr: stderr.String()}
	if res.code != 2 || res.stdout != "" {
		t.Fatalf("exit %d, stdout %q, want 2 and nothing\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	for _, want := range []string{"preadmit-helm", "go install github.com/preadmit/preadmit/cmd/preadmit-helm@", "make build"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
		}
	}
}
