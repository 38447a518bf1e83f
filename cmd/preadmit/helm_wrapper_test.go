package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// hookOnlyViolation makes demo-app compliant except for its pre-install
// hook Job, whose image stays busybox:latest.
var hookOnlyViolation = []string{"--set", "image.tag=1.27.3", "--set", "initImage.repository=busybox:1.36"}

// hookOnlyPolicies leave only disallow-latest-tag among the validations.
var hookOnlyPolicies = []string{"--profile=none", "--disable=require-ro-rootfs,require-resource-limits,require-labels", "--mode=enforce"}

const hookViolation = "Job shop/demo-demo-app-migrate (hook pre-install,pre-upgrade, source: demo-app/templates/hook-migration.yaml): disallow-latest-tag/autogen-validate-image-tag: "

// runPreadmit runs preadmit in-process, as main does. "preadmit helm" runs
// the preadmit-helm built beside preadmitBinary, found on PATH (the test
// binary has none next to it).
func runPreadmit(t *testing.T, args ...string) toolResult {
	t.Helper()
	t.Setenv("PREADMIT_TTY", "never")
	if len(args) > 0 && args[0] == "helm" {
		t.Setenv("PATH", filepath.Dir(preadmitBinary(t))+string(os.PathListSeparator)+os.Getenv("PATH"))
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, strings.NewReader(""), &stdout, &stderr)
	return toolResult{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

// TestHelm3HookGap shows the gap and the fix: helm v3's --post-renderer
// never sees the hook Job, so a violation in a hook passes and the hook is
// not mutated; "preadmit helm template" mutates and validates it.
func TestHelm3HookGap(t *testing.T) {
	helm := toolBinary(t, "HELM_BIN", "helm")
	args := append([]string{"template", "demo", "../../charts/demo-app", "-n", "shop", "--kube-version", "1.31.0"}, hookOnlyViolation...)

	t.Run("helm3-post-renderer-misses-hooks", func(t *testing.T) {
		pr := []string{"--post-renderer", preadmitBinary(t)}
		for _, a := range hookOnlyPolicies {
			pr = append(pr, "--post-renderer-args", a)
		}
		res := runTool(t, helmHome(t), helm, append(args, pr...)...)
		if res.code != 0 {
			t.Fatalf("helm 3 unexpectedly saw the hook: exit %d\n%s", res.code, res.stderr)
		}
		job := manifestDoc(res.stdout, "Job", "demo-demo-app-migrate")
		if job == "" || strings.Contains(job, "allowPrivilegeEscalation") {
			t.Fatalf("hook Job missing, or mutated by a Helm 3 post-renderer:\n%s", job)
		}
		if !strings.Contains(manifestDoc(res.stdout, "Deployment", "demo-demo-app"), "allowPrivilegeEscalation: false") {
			t.Errorf("the Deployment was not post-rendered:\n%s", res.stdout)
		}
	})
	t.Run("wrapper-validates-hooks", func(t *testing.T) {
		res := runPreadmit(t, append(append([]string{"helm"}, args...), hookOnlyPolicies...)...)
		if res.code != 1 {
			t.Fatalf("exit %d, want 1 for the hook's violation\nstderr:\n%s", res.code, res.stderr)
		}
		if res.stdout != "" {
			t.Errorf("output after a violation:\n%s", res.stdout)
		}
		if !strings.Contains(res.stderr, hookViolation) {
			t.Errorf("stderr lacks %q:\n%s", hookViolation, res.stderr)
		}
	})
	t.Run("wrapper-mutates-hooks", func(t *testing.T) {
		res := runPreadmit(t, append(append([]string{"helm"}, args...), "--mode", "audit")...)
		if res.code != 0 {
			t.Fatalf("exit %d\nstderr:\n%s", res.code, res.stderr)
		}
		job := manifestDoc(res.stdout, "Job", "demo-demo-app-migrate")
		for _, want := range []string{"# Source: demo-app/templates/hook-migration.yaml", "\"helm.sh/hook\": pre-install,pre-upgrade", "allowPrivilegeEscalation: false", "memory: 512Mi"} {
			if !strings.Contains(job, want) {
				t.Errorf("hook Job lacks %q:\n%s", want, job)
			}
		}
		if !strings.Contains(res.stderr, "fail (audit)") {
			t.Errorf("no audit summary on stderr:\n%s", res.stderr)
		}
	})
}

// TestHelmWrappers runs each wrapper client-side on demo-app: audit prints
// the mutated manifests and hooks, enforce fails with the violation lines
// of manifests and hooks together, --context-file answers a CEL policy's
// resource.Get, usage errors exit 2.
func TestHelmWrappers(t *testing.T) {
	chart := "../../charts/demo-app"
	celContext := []string{"template", "demo", chart, "-n", "apps", "--set", "replicaCount=5", "--no-builtin",
		"-p", "testdata/cel-context/policies.yaml", "--disable", "owner-label,image-architecture"}
	cases := []struct {
		name string
		args []string
		code int
		// stdout and stderr must contain these.
		stdout, stderr []string
	}{
		{name: "template-audit", args: []string{"template", "demo", chart, "--mode", "audit", "--kube-version", "1.31.0"},
			stdout: []string{"# Source: demo-app/templates/deployment.yaml", "# Source: demo-app/templates/hook-migration.yaml", "allowPrivilegeEscalation: false"},
			stderr: []string{"preadmit: 5 resources"}},
		{name: "install-dry-run-enforce", args: []string{"install", "demo", chart, "-n", "shop", "--dry-run", "--mode", "enforce"}, code: 1,
			stderr: []string{"Deployment shop/demo-demo-app (source: demo-app/templates/deployment.yaml): disallow-latest-tag/autogen-validate-image-tag: ", hookViolation}},
		{name: "upgrade-dry-run-values-file", args: []string{"upgrade", "demo", chart, "-n", "shop", "--dry-run", "-f", "testdata/helm/compliant-values.yaml", "--set-string", "config.greeting=hi",
			"--profile=none", "--disable=require-ro-rootfs", "--mode=enforce", "-q"},
			stdout: []string{"image: \"nginx:1.27.3\"", "greeting: \"hi\"", "image: busybox:1.36.1"}},
		// A CEL policy reading a ConfigMap with resource.Get: the context
		// file answers it; without one the policy is refused.
		{name: "template-context-file", args: append(celContext, "--context-file", "testdata/cel-context/cluster.yaml"), code: 1,
			stderr: []string{"Deployment apps/demo-demo-app (source: demo-app/templates/deployment.yaml): replica-limit: at most 3 replicas in apps"}},
		{name: "template-context-file-none", args: celContext, code: 2,
			stderr: []string{`calls resource, which needs the cluster or the network and has no value at render time: give the objects it reads with --context-file`}},
		{name: "enable-unknown", args: []string{"template", "demo", chart, "--enable", "no-such-policy"}, code: 2,
			stderr: []string{"preadmit: policy error: policy no-such-policy: --enable no-such-policy: no such policy (see 'preadmit policies')"}},
		{name: "usage-missing-chart", args: []string{"template", "demo"}, code: 2, stderr: []string{"accepts 2 arg(s)"}},
		{name: "usage-diff", args: []string{"template", "demo", chart, "--diff"}, code: 2, stderr: []string{"--diff is not supported"}},
		{name: "chart-not-found", args: []string{"template", "demo", "./no-such-chart"}, code: 2, stderr: []string{"chart ./no-such-chart"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res := runPreadmit(t, append([]string{"helm"}, tc.args...)...)
			if res.code != tc.code {
				t.Fatalf("exit %d, want %d\nstderr:\n%s", res.code, tc.code, res.stderr)
			}
			if tc.code != 0 && res.stdout != "" {
				t.Errorf("output on stdout with exit %d:\n%s", res.code, res.stdout)
			}
			for _, want := range tc.stdout {
				if !strings.Contains(res.stdout, want) {
					t.Errorf("stdout lacks %q:\n%s", want, res.stdout)
				}
			}
			for _, want := range tc.stderr {
				if !strings.Contains(res.stderr, want) {
					t.Errorf("stderr lacks %q:\n%s", want, res.stderr)
				}
			}
		})
	}
}
