package strategic

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestGolden runs every testdata/<case>: patch.yaml applied to resource.yaml
// must give expected.yaml, and status.txt must hold the outcome (applied,
// skipped: reason, or error: message). Each case is also applied a second
// time to its own output, which must not change (idempotence).
func TestGolden(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("testdata", "*"))
	if err != nil {
		t.Fatal(err)
	}
	if len(dirs) == 0 {
		t.Fatal("no golden cases")
	}
	for _, dir := range dirs {
		if filepath.Base(dir) == "fuzz" {
			continue // the fuzzer's corpus
		}
		t.Run(filepath.Base(dir), func(t *testing.T) {
			patch := mustParse(t, filepath.Join(dir, "patch.yaml"))
			resource := mustParse(t, filepath.Join(dir, "resource.yaml"))
			rootBefore := resource.YNode()

			var status string
			out := ""
			p, err := Compile(patch)
			if err == nil {
				// The compiled patch is shared by every resource: Apply
				// must never modify it.
				compiled := yaml.NewRNode(p.root).MustString()
				defer func() {
					if after := yaml.NewRNode(p.root).MustString(); after != compiled {
						t.Errorf("Apply modified the compiled patch; now:\n%s", after)
					}
				}()
				var st Status
				st, err = p.Apply(resource)
				if err == nil {
					status = st.Outcome.String()
					if st.Reason != "" {
						status += ": " + st.Reason
					}
					if resource.YNode() != rootBefore {
						t.Fatal("Apply replaced the root node")
					}
					out = resource.MustString()
					// Idempotence: a second apply changes nothing.
					if _, err := p.Apply(resource); err != nil {
						t.Fatalf("second apply: %v", err)
					}
					if again := resource.MustString(); again != out {
						t.Errorf("not idempotent; second apply gave:\n%s", again)
					}
				}
			}
			if err != nil {
				status = "error: " + err.Error()
			}
			status += "\n"
			golden(t, filepath.Join(dir, "status.txt"), status)
			if out != "" {
				golden(t, filepath.Join(dir, "expected.yaml"), out)
			}
		})
	}
}

func golden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to create)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs.\n--- got:\n%s\n--- want:\n%s", path, got, want)
	}
}

func mustParse(t testing.TB, path string) *yaml.RNode {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	n, err := yaml.Parse(string(b))
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return n
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name, patch, wantPath string
	}{
		{"unknown anchor", "spec:\n  ~(x): 1\n", "spec.~(x)"},
		{"existence outside condition", "spec:\n  ^(containers):\n  - name: a\n", "spec.^(containers)"},
		{"twice", "metadata:\n  labels:\n    a: 1\n    +(a): 2\n", "metadata.labels.+(a)"},
		{"bad directive", "spec:\n  $patch: remove\n", "spec.$patch"},
		{"alias", "a: &x {b: 1}\nc: *x\n", "c"},
		{"not a map", "- a\n", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n, err := yaml.Parse(tt.patch)
			if err != nil {
				t.Fatal(err)
			}
			_, err = Compile(n)
			var pe *PatchError
			if !errors.As(err, &pe) {
				t.Fatalf("Compile error = %v, want *PatchError", err)
			}
			if pe.Path != tt.wantPath {
				t.Fatalf("path = %q, want %q (%v)", pe.Path, tt.wantPath, err)
			}
		})
	}
}

func TestApplyErrors(t *testing.T) {
	p, err := Compile(yaml.MustParse("spec:\n  containers:\n  - name: a\n    image: b\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, res := range []string{
		"apiVersion: v1\nkind: Pod\nspec:\n  containers: 3\n",
		"apiVersion: v1\nkind: Pod\nspec: [1]\n",
		"x: &a 1\nspec: *a\n",
		"- a\n",
	} {
		r := yaml.MustParse(res)
		if _, err := p.Apply(r); err == nil {
			t.Errorf("Apply on %q: want an error", res)
		}
	}
	if _, err := p.Apply(nil); err == nil {
		t.Error("Apply(nil): want an error")
	}
}

func TestMatchScalar(t *testing.T) {
	tests := []struct {
		value, pattern string
		want           bool
	}{
		{"nginx:latest", "*:latest", true},
		{"nginx:1.2", "*:latest", false},
		{"abc", "a?c", true},
		{"abc", "a?d", false},
		{"prod", "dev | prod", true},
		{"test", "dev | prod", false},
		{"prod", "!dev", true},
		{"dev", "!dev", false},
		{"200m", "<=1", true},
		{"2Gi", ">1Gi", true},
		{"512Mi", ">1Gi", false},
		{"5", "1-10", true},
		{"15", "1-10", false},
		{"15", "1!-10", true},
		{"30s", "<1m0s", true},
		{"x", "?*", true},
		{"", "?*", false},
		{"my-app", "my-*", true},
		{"a&b", "a&b", true},
	}
	for _, tt := range tests {
		r := &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: tt.value}
		p := &yaml.Node{Kind: yaml.ScalarNode, Tag: yaml.NodeTagString, Value: tt.pattern}
		if got := matchScalar(r, p); got != tt.want {
			t.Errorf("matchScalar(%q, %q) = %v, want %v", tt.value, tt.pattern, got, tt.want)
		}
	}
}

func TestWorkloadSchemasMergeContainersByName(t *testing.T) {
	patch := "spec:\n  containers:\n  - name: app\n    imagePullPolicy: Always\n"
	wrap := map[string]string{
		"v1/Pod":              "",
		"apps/v1/Deployment":  "spec.template.",
		"apps/v1/StatefulSet": "spec.template.",
		"apps/v1/DaemonSet":   "spec.template.",
		"batch/v1/Job":        "spec.template.",
		"batch/v1/CronJob":    "spec.jobTemplate.spec.template.",
	}
	for gvk, prefix := range wrap {
		t.Run(gvk, func(t *testing.T) {
			i := strings.LastIndex(gvk, "/")
			p := nest(prefix, patch)
			res := "apiVersion: " + gvk[:i] + "\nkind: " + gvk[i+1:] + "\n" + nest(prefix, "spec:\n  containers:\n  - name: side\n    image: s\n  - name: app\n    image: a\n")
			cp, err := Compile(yaml.MustParse(p))
			if err != nil {
				t.Fatal(err)
			}
			r := yaml.MustParse(res)
			if _, err := cp.Apply(r); err != nil {
				t.Fatal(err)
			}
			path := append(strings.Split(strings.TrimSuffix(prefix, "."), "."), "spec", "containers")
			if prefix == "" {
				path = []string{"spec", "containers"}
			}
			list, err := r.Pipe(yaml.Lookup(path...))
			if err != nil || list == nil {
				t.Fatalf("lookup %v: %v", path, err)
			}
			els, _ := list.Elements()
			if len(els) != 2 {
				t.Fatalf("containers were not merged by name:\n%s", r.MustString())
			}
			if got := els[1].Field("imagePullPolicy"); got == nil || got.Value.YNode().Value != "Always" {
				t.Fatalf("app container not patched:\n%s", r.MustString())
			}
		})
	}
}

// nest indents body under the dotted prefix, e.g. "spec.template.".
func nest(prefix, body string) string {
	if prefix == "" {
		return body
	}
	parts := strings.Split(strings.TrimSuffix(prefix, "."), ".")
	var b strings.Builder
	for i, p := range parts {
		b.WriteString(strings.Repeat("  ", i) + p + ":\n")
	}
	ind := strings.Repeat("  ", len(parts))
	for _, line := range strings.Split(strings.TrimSuffix(body, "\n"), "\n") {
		b.WriteString(ind + line + "\n")
	}
	return b.String()
}
