package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// e2eChart is a chart the Helm end-to-end tests install, and what its
// render must show.
type e2eChart struct {
	name, path string
	// violation is one line Helm must show in enforce mode (after "doc N ").
	violation string
}

var e2eCharts = []e2eChart{
	{"demo-app", "../../charts/demo-app",
		"Deployment default/demo-demo-app (source: demo-app/templates/deployment.yaml): disallow-latest-tag/autogen-validate-image-tag: "},
	{"helm-create", "../../testdata/charts/helm-create",
		"Deployment default/demo-helm-create (source: helm-create/templates/deployment.yaml): require-ro-rootfs/autogen-validate-readOnlyRootFilesystem: "},
	{"node-agent", "../../testdata/charts/node-agent",
		"DaemonSet default/demo-node-agent (source: node-agent/templates/daemonset.yaml): disallow-host-namespaces/autogen-host-namespaces: "},
}

// violationLine is the shape of every violation line preadmit prints.
var violationLine = regexp.MustCompile(`(?m)^doc \d+ [A-Za-z]+ [a-z0-9.-]+/[a-z0-9.-]+ \((?:hook [^ ]+, )?source: [^)]+\): [A-Za-z0-9-]+/[A-Za-z0-9-]+: .+ \([^)]*\)$`)

// helm3Commands are the ways a Helm 3 user runs a post-renderer; each sets
// the mode its own way (--post-renderer-args or PREADMIT_MODE).
var helm3Commands = []struct {
	name string
	args func(chart, preadmit, mode string) []string
	env  func(mode string) []string
}{
	{"template", func(chart, bin, mode string) []string {
		return []string{"template", "demo", chart, "--kube-version", "1.31.0", "--post-renderer", bin,
			"--post-renderer-args", "render", "--post-renderer-args", "--mode=" + mode}
	}, nil},
	{"install-dry-run", func(chart, bin, _ string) []string {
		return []string{"install", "demo", chart, "--dry-run=client", "--disable-openapi-validation", "--post-renderer", bin}
	}, func(mode string) []string { return []string{"PREADMIT_MODE=" + mode} }},
	{"upgrade-install-dry-run", func(chart, bin, mode string) []string {
		return []string{"upgrade", "--install", "demo", chart, "--dry-run", "--disable-openapi-validation",
			"--post-renderer", bin, "--post-renderer-args=--mode=" + mode}
	}, nil},
}

// TestHelm3PostRenderer runs helm v3 template, install --dry-run and
// upgrade --install --dry-run with preadmit as --post-renderer on every
// chart: audit renders the mutated manifests, enforce fails with exit 1 and
// Helm shows preadmit's violation lines.
func TestHelm3PostRenderer(t *testing.T) {
	helm := toolBinary(t, "HELM_BIN", "helm")
	bin := preadmitBinary(t)
	// Helm 3.16's install --dry-run=client still asks a cluster for its
	// version and API groups (only "helm template" is client-only).
	kubeconfig := startDiscoveryStub(t)
	for _, c := range e2eCharts {
		for _, hc := range helm3Commands {
			for _, mode := range []string{"audit", "enforce"} {
				t.Run(c.name+"/"+hc.name+"/"+mode, func(t *testing.T) {
					env := append(helmHome(t), "KUBECONFIG="+kubeconfig)
					if hc.env != nil {
						env = append(env, hc.env(mode)...)
					}
					res := runTool(t, env, helm, hc.args(c.path, bin, mode)...)
					if mode == "audit" {
						checkAuditRender(t, c, res)
					} else {
						checkEnforceFailure(t, c, res, "error while running post render on files")
					}
				})
			}
		}
	}
}

func checkAuditRender(t *testing.T, c e2eChart, res toolResult) {
	t.Helper()
	if res.code != 0 {
		t.Fatalf("exit %d in audit mode\nstderr:\n%s", res.code, res.stderr)
	}
	for _, want := range []string{"# Source: " + c.name + "/templates/", "allowPrivilegeEscalation: false"} {
		if !strings.Contains(res.stdout, want) {
			t.Errorf("output lacks %q (not post-rendered?):\n%s", want, res.stdout)
		}
	}
	if strings.Contains(res.stdout, "preadmit:") {
		t.Errorf("preadmit's report leaked into the manifests:\n%s", res.stdout)
	}
}

func checkEnforceFailure(t *testing.T, c e2eChart, res toolResult, helmSays string) {
	t.Helper()
	if res.code != 1 {
		t.Fatalf("exit %d in enforce mode, want 1\nstdout:\n%s\nstderr:\n%s", res.code, res.stdout, res.stderr)
	}
	if strings.Contains(res.stdout, "kind:") {
		t.Errorf("manifests on stdout after a failure:\n%s", res.stdout)
	}
	for _, want := range []string{helmSays, c.violation, "violation(s) of policies in Enforce"} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("helm's stderr lacks %q:\n%s", want, res.stderr)
		}
	}
	if !violationLine.MatchString(res.stderr) {
		t.Errorf("no well-formed violation line in helm's stderr:\n%s", res.stderr)
	}
}

// installHelm4Plugin installs plugins/helm-preadmit into a fresh Helm 4
// home and returns that home's environment, with PREADMIT_BIN for the
// plugin's wrapper script.
func installHelm4Plugin(t *testing.T, helm4 string) []string {
	t.Helper()
	env := append(helmHome(t), "PREADMIT_BIN="+preadmitBinary(t))
	dir, err := filepath.Abs(filepath.Join("..", "..", "plugins", "helm-preadmit"))
	if err != nil {
		t.Fatal(err)
	}
	if res := runTool(t, env, helm4, "plugin", "install", dir); res.code != 0 {
		t.Fatalf("helm plugin install: exit %d\n%s%s", res.code, res.stdout, res.stderr)
	}
	res := runTool(t, env, helm4, "plugin", "list")
	if !regexp.MustCompile(`(?m)^preadmit\s+\S+\s+postrenderer/v1\s`).MatchString(res.stdout) {
		t.Fatalf("helm plugin list does not show preadmit as a postrenderer/v1 plugin:\n%s%s", res.stdout, res.stderr)
	}
	return env
}

// TestHelm4Plugin installs the postrenderer/v1 plugin into helm v4 and runs
// template, install --dry-run and upgrade --install --dry-run with
// --post-renderer preadmit. Helm 4 post-renders hooks too, files each
// document back by its postrender-filename annotation (which must survive
// the mutations) and hides the plugin's stderr: in enforce mode the
// violations reach the user through PREADMIT_REPORT_FILE.
func TestHelm4Plugin(t *testing.T) {
	helm4 := toolBinary(t, "HELM4_BIN", "helm4")
	env := installHelm4Plugin(t, helm4)
	kubeconfig := startDiscoveryStub(t)
	commands := map[string][]string{
		"template":                {"template", "demo", "../../charts/demo-app", "--kube-version", "1.31.0"},
		"install-dry-run":         {"install", "demo", "../../charts/demo-app", "--dry-run=client"},
		"upgrade-install-dry-run": {"upgrade", "--install", "demo", "../../charts/demo-app", "--dry-run=client"},
	}
	for name, args := range commands {
		args = append(args, "--post-renderer", "preadmit")
		t.Run(name+"/audit", func(t *testing.T) {
			res := runTool(t, append(env, "KUBECONFIG="+kubeconfig), helm4, append(args, "--post-renderer-args", "--mode=audit")...)
			checkAuditRender(t, e2eCharts[0], res)
			checkHelm4Filing(t, res.stdout)
		})
		t.Run(name+"/enforce", func(t *testing.T) {
			report := filepath.Join(t.TempDir(), "report.txt")
			res := runTool(t, append(env, "KUBECONFIG="+kubeconfig, "PREADMIT_REPORT_FILE="+report),
				helm4, append(args, "--post-renderer-args=--mode=enforce")...)
			if res.code != 1 {
				t.Fatalf("exit %d in enforce mode, want 1\nstderr:\n%s", res.code, res.stderr)
			}
			if !strings.Contains(res.stderr, `plugin "preadmit" exited with error`) {
				t.Errorf("helm's stderr lacks the plugin failure:\n%s", res.stderr)
			}
			text, err := os.ReadFile(report)
			if err != nil {
				t.Fatalf("no report file: the violations never reach a Helm 4 user: %v", err)
			}
			for _, want := range []string{
				e2eCharts[0].violation,
				// The hook Job is post-rendered by Helm 4, named as a hook,
				// and its template by the annotation Helm 4 sends instead of
				// "# Source:".
				"Job default/demo-demo-app-migrate (hook pre-install,pre-upgrade, source: demo-app/templates/hook-migration.yaml): disallow-latest-tag/",
			} {
				if !strings.Contains(string(text), want) {
					t.Errorf("report file lacks %q:\n%s", want, text)
				}
			}
		})
	}
}

// checkHelm4Filing checks that Helm 4 filed every document back under its
// own template (it falls back to "generated-by-postrender-N.yaml" for a
// document whose postrender-filename annotation was lost) and that the
// pre-install hook Job was post-rendered.
func checkHelm4Filing(t *testing.T, out string) {
	t.Helper()
	if strings.Contains(out, "generated-by-postrender") {
		t.Errorf("a document lost its postrenderer.helm.sh/postrender-filename annotation:\n%s", out)
	}
	for _, src := range []string{"deployment.yaml", "cronjob.yaml", "hook-migration.yaml", "service.yaml", "configmap.yaml"} {
		if !strings.Contains(out, "# Source: demo-app/templates/"+src) {
			t.Errorf("no document filed under demo-app/templates/%s:\n%s", src, out)
		}
	}
	job := manifestDoc(out, "Job", "demo-demo-app-migrate")
	if !strings.Contains(job, "allowPrivilegeEscalation: false") {
		t.Errorf("Helm 4 post-renders hooks, but the hook Job is not mutated:\n%s", job)
	}
}
