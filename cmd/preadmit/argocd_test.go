package main

import (
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// The Argo CD tests run plugins/argocd the way Argo CD's CMP server
// (cmpserver/plugin/plugin.go) does: the commands of plugin.yaml through
// exec with command[0] looked up on the sidecar's PATH and command[1:] plus
// args as arguments, in the application's directory inside a copy of the
// repository, with the sidecar's environment plus the build environment and
// the Application's ARGOCD_ENV_ variables (empty values dropped).

// cmpCommand is a command of a ConfigManagementPlugin.
type cmpCommand struct {
	Command []string `json:"command"`
	Args    []string `json:"args"`
}

// cmpPlugin is the part of a ConfigManagementPlugin the CMP server reads.
type cmpPlugin struct {
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Metadata   struct {
		Name string `json:"name"`
	} `json:"metadata"`
	Spec struct {
		Init     cmpCommand `json:"init"`
		Generate cmpCommand `json:"generate"`
		Discover struct {
			FileName string `json:"fileName"`
			// find inlines its command, as Argo CD's plugin.Find embeds Command.
			Find struct {
				cmpCommand
				Glob string `json:"glob"`
			} `json:"find"`
		} `json:"discover"`
		Parameters struct {
			Static []struct {
				Name           string `json:"name"`
				Title          string `json:"title"`
				CollectionType string `json:"collectionType"`
			} `json:"static"`
		} `json:"parameters"`
	} `json:"spec"`
}

const argocdPluginDir = "../../plugins/argocd"

func readCMPPlugin(t *testing.T) cmpPlugin {
	t.Helper()
	var p cmpPlugin
	readYAML(t, filepath.Join(argocdPluginDir, "plugin.yaml"), &p)
	if p.APIVersion != "argoproj.io/v1alpha1" || p.Kind != "ConfigManagementPlugin" || p.Metadata.Name != "preadmit" {
		t.Fatalf("plugin.yaml is %s %s %q, want argoproj.io/v1alpha1 ConfigManagementPlugin preadmit", p.APIVersion, p.Kind, p.Metadata.Name)
	}
	return p
}

func readYAML(t *testing.T, path string, v any) {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.UnmarshalStrict(b, v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
}

// cmpSidecar is the sidecar container: a bin directory with what the image
// holds (preadmit-cmp, preadmit, helm, kustomize), its environment, and a
// repository as the CMP server unpacks it.
type cmpSidecar struct {
	env  []string
	repo string
}

// newCMPSidecar sets the test process's PATH to the sidecar's, since
// exec.Command looks command[0] up there as the CMP server does in its own
// process.
func newCMPSidecar(t *testing.T, env ...string) cmpSidecar {
	t.Helper()
	tools := map[string]string{
		"helm":      toolBinary(t, "HELM_BIN", "helm"),
		"kustomize": toolBinary(t, "KUSTOMIZE_BIN", "kustomize"),
		"preadmit":  preadmitBinary(t),
	}
	script, err := filepath.Abs(filepath.Join(argocdPluginDir, "preadmit-cmp"))
	if err != nil {
		t.Fatal(err)
	}
	tools["preadmit-cmp"] = script
	home := t.TempDir()
	bin := filepath.Join(home, "bin")
	if err := os.Mkdir(bin, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, target := range tools {
		if err := os.Symlink(target, filepath.Join(bin, name)); err != nil {
			t.Fatal(err)
		}
	}
	path := bin + string(os.PathListSeparator) + "/usr/bin" + string(os.PathListSeparator) + "/bin"
	t.Setenv("PATH", path)
	s := cmpSidecar{
		env: append([]string{
			"PATH=" + path,
			"HOME=" + home,
			"HELM_CACHE_HOME=" + filepath.Join(home, "helm", "cache"),
			"HELM_CONFIG_HOME=" + filepath.Join(home, "helm", "config"),
			"HELM_DATA_HOME=" + filepath.Join(home, "helm", "data"),
		}, env...),
		repo: t.TempDir(),
	}
	unpackLikeCMP(t, filepath.Join("testdata", "argocd", "repo"), s.repo)
	unpackLikeCMP(t, filepath.Join("..", "..", "charts", "demo-app"), filepath.Join(s.repo, "apps", "demo-app"))
	return s
}

// unpackLikeCMP copies a directory tree as the CMP server unpacks the
// repository's tar stream without preserveFileMode: files 0644.
func unpackLikeCMP(t *testing.T, from, to string) {
	t.Helper()
	err := filepath.WalkDir(from, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(from, path)
		if err != nil {
			return err
		}
		dst := filepath.Join(to, rel)
		if d.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// run runs one plugin command in the application's directory (relative to
// the repository) with the sidecar's and the request's environment.
func (s cmpSidecar) run(t *testing.T, c cmpCommand, appPath string, env []string) toolResult {
	t.Helper()
	if len(c.Command) == 0 {
		t.Fatal("plugin command is empty")
	}
	cmd := exec.Command(c.Command[0], append(c.Command[1:], c.Args...)...)
	cmd.Dir = filepath.Join(s.repo, appPath)
	cmd.Env = append(append([]string{}, s.env...), nonEmpty(env)...)
	return runExec(t, cmd)
}

// nonEmpty drops NAME= entries, as the CMP server's environ() does.
func nonEmpty(env []string) []string {
	var out []string
	for _, e := range env {
		if name, value, _ := strings.Cut(e, "="); name != "" && value != "" {
			out = append(out, e)
		}
	}
	return out
}

// buildEnv is Argo CD's build environment for an Application named app in
// destination namespace ns with its source at appPath.
func buildEnv(app, ns, appPath string) []string {
	return []string{
		"ARGOCD_APP_NAME=" + app,
		"ARGOCD_APP_NAMESPACE=" + ns,
		"ARGOCD_APP_PROJECT_NAME=default",
		"ARGOCD_APP_REVISION=0123456789abcdef0123456789abcdef01234567",
		"ARGOCD_APP_REVISION_SHORT=0123456",
		"ARGOCD_APP_REVISION_SHORT_8=01234567",
		"ARGOCD_APP_SOURCE_REPO_URL=https://git.example.com/platform/apps.git",
		"ARGOCD_APP_SOURCE_PATH=" + appPath,
		"ARGOCD_APP_SOURCE_TARGET_REVISION=HEAD",
		"KUBE_VERSION=1.31",
		"KUBE_API_VERSIONS=v1,apps/v1,batch/v1,networking.k8s.io/v1,policy/v1",
	}
}

// cmpError is the error the CMP server returns for a failed command (its
// CmdError, wrapped by generateManifestGeneric): what Argo CD puts into the
// Application's ComparisonError condition after its own prefixes.
func cmpError(plugin, app string, c cmpCommand, res toolResult) string {
	args := strings.Join(append(append([]string{}, c.Command...), c.Args...), " ")
	msg := fmt.Sprintf("`%v` failed exit status %d", args, res.code)
	if stderr := strings.TrimSpace(res.stderr); stderr != "" {
		msg += ": " + stderr
	}
	return fmt.Sprintf("plugin (%s) error generating manifests for app (%s): %s", plugin, app, msg)
}

// generate runs init, then generate, as GenerateManifest does; a failed
// init is returned as the result.
func (s cmpSidecar) generate(t *testing.T, p cmpPlugin, appPath string, env []string) toolResult {
	t.Helper()
	if len(p.Spec.Init.Command) > 0 {
		if res := s.run(t, p.Spec.Init, appPath, env); res.code != 0 {
			return res
		}
	}
	return s.run(t, p.Spec.Generate, appPath, env)
}

// TestArgoCDPlugin runs the plugin's init and generate on charts/demo-app
// (Helm) and apps/guestbook (kustomize) with the CMP environment: audit
// renders the mutated manifests (golden), enforce fails with nothing on
// stdout and preadmit's violation lines in the error Argo CD shows.
func TestArgoCDPlugin(t *testing.T) {
	p := readCMPPlugin(t)
	cases := []struct {
		name    string
		app     string
		sidecar []string // the sidecar container's env
		env     []string // the Application's plugin env and parameters
		// golden is the file under testdata/golden/argocd for stdout (exit 0)
		// or for the CMP server's error (exit != 0).
		golden string
		code   int
		want   []string // in stdout (exit 0) or the error
	}{
		{name: "helm-audit", app: "apps/demo-app",
			env:    []string{"ARGOCD_ENV_PREADMIT_MODE=audit"},
			golden: "demo-app.audit.yaml",
			want:   []string{"allowPrivilegeEscalation: false", "kind: Job", "# Source: demo-app/templates/"}},
		{name: "helm-enforce", app: "apps/demo-app",
			env:    []string{"ARGOCD_ENV_PREADMIT_MODE=enforce"},
			golden: "demo-app.enforce.txt", code: 1,
			want: []string{"`preadmit-cmp generate` failed exit status 1: doc 2 Deployment shop/demo-demo-app (source: demo-app/templates/deployment.yaml): disallow-latest-tag/",
				"violation(s) of policies in Enforce"}},
		{name: "helm-values-files-and-args", app: "apps/demo-app",
			env: []string{"ARGOCD_ENV_PREADMIT_MODE=audit", "PARAM_VALUES_FILES_0=../../values/demo-prod.yaml",
				"ARGOCD_ENV_HELM_ARGS=--set service.port=8080 --set-string cleanup.schedule=*/5"},
			want: []string{"replicas: 3", "port: 8080", `schedule: "*/5"`}},
		{name: "helm-release-name-of-app-in-other-namespace", app: "apps/demo-app",
			env:  []string{"ARGOCD_APP_NAME=team-a_shop", "ARGOCD_ENV_PREADMIT_MODE=audit"},
			want: []string{"name: shop-demo-app"}},
		{name: "helm-sidecar-mode-locked", app: "apps/demo-app",
			sidecar: []string{"PREADMIT_MODE=enforce", "PREADMIT_CMP_LOCKED=MODE,DISABLE"},
			env:     []string{"ARGOCD_ENV_PREADMIT_MODE=audit", "ARGOCD_ENV_PREADMIT_DISABLE=disallow-latest-tag"},
			code:    1, want: []string{"disallow-latest-tag/autogen-validate-image-tag"}},
		{name: "helm-init-dependency-build", app: "apps/umbrella",
			env:  []string{"ARGOCD_ENV_PREADMIT_MODE=audit"},
			want: []string{"# Source: umbrella/charts/demo-app/templates/deployment.yaml", "allowPrivilegeEscalation: false"}},
		{name: "helm-sidecar-lock-not-unlocked-by-app", app: "apps/demo-app",
			sidecar: []string{"PREADMIT_MODE=enforce", "PREADMIT_CMP_LOCKED=MODE"},
			env:     []string{"ARGOCD_ENV_PREADMIT_CMP_LOCKED=NONE", "ARGOCD_ENV_PREADMIT_MODE=audit"},
			code:    1, want: []string{"violation(s) of policies in Enforce"}},
		{name: "helm-fails", app: "apps/demo-app",
			env:  []string{"PARAM_VALUES_FILES_0=missing.yaml"},
			code: 1, want: []string{"missing.yaml"}},
		{name: "kustomize-audit", app: "apps/guestbook",
			env:    []string{"ARGOCD_ENV_PREADMIT_MODE=audit"},
			golden: "guestbook.audit.yaml",
			want:   []string{"app.kubernetes.io/part-of: guestbook", "allowPrivilegeEscalation: false"}},
		{name: "kustomize-repo-policy-enforce", app: "apps/guestbook",
			env:    []string{"ARGOCD_ENV_PREADMIT_POLICY=../../policies", "ARGOCD_ENV_PREADMIT_DISABLE=require-ro-rootfs"},
			golden: "guestbook.repo-policy.txt", code: 1,
			want: []string{"failed exit status 1: doc 1 Deployment shop/guestbook-ui: require-team-label/check-team: The label `team` is required."}},
		{name: "kustomize-fails", app: "apps/guestbook",
			env:  []string{"ARGOCD_ENV_KUSTOMIZE_ARGS=--no-such-flag"},
			code: 1, want: []string{"no-such-flag"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := newCMPSidecar(t, c.sidecar...)
			env := append(buildEnv("demo", "shop", c.app), c.env...)
			res := s.generate(t, p, c.app, env)
			if res.code != c.code {
				t.Fatalf("exit %d, want %d\nstdout:\n%s\nstderr:\n%s", res.code, c.code, res.stdout, res.stderr)
			}
			got := res.stdout
			if c.code != 0 {
				if strings.TrimSpace(res.stdout) != "" {
					t.Errorf("a failed generate printed manifests (Argo CD would apply or prune by them):\n%s", res.stdout)
				}
				got = cmpError(p.Metadata.Name, "demo", p.Spec.Generate, res) + "\n"
			} else {
				checkManifests(t, res.stdout)
			}
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("lacks %q:\n%s", w, got)
				}
			}
			if c.golden != "" {
				golden(t, filepath.Join("argocd", c.golden), got)
			}
		})
	}
}

// checkManifests checks stdout is what the CMP server accepts: YAML
// documents, each a Kubernetes object, and no report lines.
func checkManifests(t *testing.T, out string) {
	t.Helper()
	n := 0
	for _, doc := range strings.Split(out, "\n---") {
		var obj struct {
			APIVersion string `json:"apiVersion"`
			Kind       string `json:"kind"`
		}
		if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
			t.Fatalf("stdout holds a document that is not YAML: %v\n%s", err, doc)
		}
		if obj.Kind == "" && strings.TrimSpace(strings.TrimPrefix(doc, "---")) == "" {
			continue
		}
		if obj.APIVersion == "" || obj.Kind == "" {
			t.Errorf("stdout holds a document that is no Kubernetes object:\n%s", doc)
		}
		n++
	}
	if n == 0 {
		t.Errorf("no manifests on stdout")
	}
}

// TestArgoCDPluginDiscover runs plugin.yaml's discover in each directory as
// the CMP server does (in the application's directory; a match is exit 0
// with output): charts and kustomizations match, plain manifests and the
// repository root do not.
func TestArgoCDPluginDiscover(t *testing.T) {
	p := readCMPPlugin(t)
	find := p.Spec.Discover.Find
	if len(find.Command) == 0 || p.Spec.Discover.FileName != "" || find.Glob != "" {
		t.Fatalf("discover uses fileName or find.glob; the CMP server would not run find.command")
	}
	s := newCMPSidecar(t)
	for app, want := range map[string]bool{"apps/demo-app": true, "apps/umbrella": true, "apps/guestbook": true, "apps/plain": false, ".": false} {
		res := s.run(t, find.cmpCommand, app, buildEnv("demo", "shop", app))
		if res.code != 0 {
			t.Errorf("%s: discover exit %d (the CMP server reports an error, not a mismatch)\n%s", app, res.code, res.stderr)
		}
		if got := strings.TrimSpace(res.stdout) != ""; got != want {
			t.Errorf("%s: discover matches = %v, want %v (stdout %q)", app, got, want, res.stdout)
		}
	}
}
