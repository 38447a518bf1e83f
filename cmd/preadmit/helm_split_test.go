package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestRenderBinaryLinksNoHelm: the preadmit binary (render, fn, test,
// images, flux, policies) links no Helm package and no client-go clientset
// or scheme, whose package initialisation every start would pay; they
// belong to preadmit-helm alone. Nor does it link kyverno-authz's engine
// and Envoy's API, which belong to preadmit-authz alone.
func TestRenderBinaryLinksNoHelm(t *testing.T) {
	helm := func(p string) bool {
		return strings.HasPrefix(p, "helm.sh/") || strings.HasPrefix(p, "k8s.io/client-go/kubernetes")
	}
	authz := func(p string) bool {
		return strings.HasPrefix(p, "github.com/kyverno/kyverno-authz/") || strings.HasPrefix(p, "github.com/envoyproxy/")
	}
	for _, tc := range []struct {
		pkg         string
		helm, authz bool
	}{{".", false, false}, {"../preadmit-helm", true, false}, {"../preadmit-authz", false, true}} {
		out, err := exec.Command("go", "list", "-deps", tc.pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", tc.pkg, err, out)
		}
		var heavy, engine []string
		for _, p := range strings.Fields(string(out)) {
			if helm(p) {
				heavy = append(heavy, p)
			}
			if authz(p) {
				engine = append(engine, p)
			}
		}
		if got := len(heavy) > 0; got != tc.helm {
			t.Errorf("go list -deps %s: Helm or client-go clientset packages %v, want linked=%v", tc.pkg, heavy, tc.helm)
		}
		if got := len(engine) > 0; got != tc.authz {
			t.Errorf("go list -deps %s: kyverno-authz or Envoy packages %v, want linked=%v", tc.pkg, engine, tc.authz)
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

// TestHelmHelp: "preadmit help helm" and "preadmit helm --help" print
// preadmit-helm's help, its sub-commands under "preadmit helm", on stderr
// as preadmit's own help.
func TestHelmHelp(t *testing.T) {
	for _, args := range [][]string{{"help", "helm"}, {"helm", "--help"}, {"helm", "template", "--help"}} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			t.Setenv("PATH", filepath.Dir(preadmitBinary(t))+string(os.PathListSeparator)+os.Getenv("PATH"))
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr); code != 0 || stdout.Len() != 0 {
				t.Fatalf("exit %d, stdout %q\nstderr:\n%s", code, stdout.String(), stderr.String())
			}
			want := "preadmit helm [command]"
			if len(args) == 3 {
				want = "preadmit helm template NAME CHART [flags]"
			}
			if !strings.Contains(stderr.String(), want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
			}
		})
	}
}
