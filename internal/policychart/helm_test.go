package policychart_test

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/helm")

// flavourCases are helm template runs of the chart, one golden file each.
var flavourCases = []struct {
	name string
	set  []string
}{
	{"classic", nil},
	{"cel", []string{"flavour=cel"}},
	{"cel-settings", []string{"flavour=cel", "registry=mirror.corp.example", "registryExclude={registry.k8s.io/*}",
		"failureAction=Enforce", "excludedNamespaces={kube-system,kyverno}", "managedBy=Helm"}},
}

// tool is the path of an external tool: $env, else bin/name of the
// repository (make tools); the test is skipped without it.
func tool(t *testing.T, env, name string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		return p
	}
	p, err := filepath.Abs(filepath.Join("..", "..", "bin", name))
	if err == nil {
		if _, err = os.Stat(p); err == nil {
			return p
		}
	}
	t.Skipf("%s not found: set %s or run make tools", name, env)
	return ""
}

// helmTemplate runs the real helm template on the chart with --set values.
func helmTemplate(t *testing.T, set []string) string {
	t.Helper()
	args := []string{"template", "preadmit-policies", chartDir, "--namespace", "kyverno", "--kube-version", "1.31.0"}
	for _, s := range set {
		args = append(args, "--set", s)
	}
	cmd := exec.Command(tool(t, "HELM_BIN", "helm"), args...)
	home := t.TempDir()
	cmd.Env = append(os.Environ(), "HELM_CACHE_HOME="+home, "HELM_CONFIG_HOME="+home, "HELM_DATA_HOME="+home)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("helm %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	return string(out)
}

// TestHelmTemplateFlavours renders the chart with the real helm in each
// flavour: the kinds and names it installs, and the CEL twins' text, are
// those of testdata/helm/<case>.txt (-update rewrites them).
func TestHelmTemplateFlavours(t *testing.T) {
	for _, c := range flavourCases {
		t.Run(c.name, func(t *testing.T) {
			var names, twins []string
			for _, doc := range strings.Split(helmTemplate(t, c.set), "\n---\n") {
				var m struct {
					Kind     string `json:"kind"`
					Metadata struct {
						Name string `json:"name"`
					} `json:"metadata"`
				}
				if err := sigsyaml.Unmarshal([]byte(doc), &m); err != nil {
					t.Fatalf("%v\n%s", err, doc)
				}
				if m.Kind == "" {
					continue
				}
				names = append(names, m.Kind+" "+m.Metadata.Name)
				if m.Kind != "ClusterPolicy" {
					twins = append(twins, strings.TrimSpace(doc))
				}
			}
			got := strings.Join(names, "\n") + "\n"
			if len(twins) > 0 {
				got += "\n---\n" + strings.Join(twins, "\n---\n") + "\n"
			}
			golden := filepath.Join("testdata", "helm", c.name+".txt")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v: run with -update", err)
			}
			if string(want) != got {
				t.Errorf("helm template differs from %s (run with -update to accept):\n%s", golden, got)
			}
		})
	}
}

// TestKyvernoAppliesTwins gives the CEL twins the chart renders in flavour
// cel to the real Kyverno CLI (kyverno apply): it accepts them, mutates
// the sample Deployment with each and passes it.
func TestKyvernoAppliesTwins(t *testing.T) {
	kyverno := tool(t, "KYVERNO_BIN", "kyverno")
	var twins []string
	for _, doc := range strings.Split(helmTemplate(t, flavourCases[2].set), "\n---\n") {
		if strings.Contains(doc, "\nkind: MutatingPolicy\n") || strings.Contains(doc, "\nkind: ValidatingPolicy\n") {
			twins = append(twins, doc)
		}
	}
	if len(twins) != 5 {
		t.Fatalf("%d CEL twins rendered, want 5", len(twins))
	}
	file := filepath.Join(t.TempDir(), "twins.yaml")
	if err := os.WriteFile(file, []byte(strings.Join(twins, "\n---\n")), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(kyverno, "apply", file, "--resource", filepath.Join("testdata", "kyverno-sample.yaml"))
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("kyverno apply: %v\n%s", err, out)
	}
	for _, want := range []string{
		"policy mirror-images-cel applied to shop/Deployment/web",
		"image: mirror.corp.example/nginx:1.27",
		"app.kubernetes.io/managed-by: Helm",
		"runAsNonRoot: true",
		"memory: 512Mi",
		"fail: 0, warn: 0, error: 0, skip: 0",
	} {
		if !strings.Contains(string(out), want) {
			t.Errorf("kyverno apply does not say %q:\n%s", want, out)
		}
	}
}
