package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/preadmit/preadmit/internal/corpus"
)

// celTwins pairs each classic library policy with its CEL twin under
// policies/cel, the render flags the classic needs to do what the twin
// does, and an edit (old, new) of the twin's text that does the same to the
// twin, for a setting the twin holds in its own variables.
var celTwins = []struct {
	classic, twin string
	classicArgs   []string
	twinEdit      [2]string
	// quoted: the classic writes the values it adds double-quoted, as
	// the "{{ ... }}" template of its policy file is, and a CEL value
	// has no quoting style, so the twin writes them plain. Only lines
	// that differ by those quotes alone are accepted.
	quoted bool
}{
	{"../../policies/mutate/add-default-resources/add-default-resources.yaml", "../../policies/cel/add-default-resources-cel/add-default-resources-cel.yaml", nil, [2]string{}, false},
	{"../../policies/best-practices/require-labels/require-labels.yaml", "../../policies/cel/require-labels-cel/require-labels-cel.yaml", nil, [2]string{}, false},
	// A MutatingPolicy cannot read preadmit.registry (it has no context
	// variables and no paramKind): the twin's mirror is its own variable
	// mirrorRegistry, mirror.corp.example, so the classic is given the same
	// mirror. The classic without a mirror does nothing; the twin has no such
	// state, and that pair is not compared.
	{"../../policies/registry/mirror-images/mirror-images.yaml", "../../policies/cel/mirror-images-cel/mirror-images-cel.yaml", []string{"--registry", "mirror.corp.example"}, [2]string{}, false},
	// The exclusions, with both wildcards.
	{"../../policies/registry/mirror-images/mirror-images.yaml", "../../policies/cel/mirror-images-cel/mirror-images-cel.yaml",
		[]string{"--registry", "mirror.corp.example", "--registry-exclude", "registry.k8s.io/*", "--registry-exclude", "quay.io/?rometheus/*"},
		[2]string{`expression: '[]'`, `expression: '["registry.k8s.io/*", "quay.io/?rometheus/*"]'`}, false},
	{"../../policies/mutate/add-default-securitycontext/add-default-securitycontext.yaml", "../../policies/cel/add-default-securitycontext-cel/add-default-securitycontext-cel.yaml", nil, [2]string{}, false},
	// A MutatingPolicy cannot read preadmit.managedBy either: the twin's
	// value is its variable managedBy, preadmit, the classic's default.
	{"../../policies/mutate/add-default-labels/add-default-labels.yaml", "../../policies/cel/add-default-labels-cel/add-default-labels-cel.yaml", nil, [2]string{}, true},
}

// TestCELTwinsEquivalence renders every chart corpus render (and its hook
// renders) and every chart under testdata/charts once with each classic
// policy alone and once with its CEL twin alone: the output bytes must be
// the same, and so must the documents each reports mutating, the documents
// each fails and the documents each selects.
func TestCELTwinsEquivalence(t *testing.T) {
	inputs := map[string][]byte{}
	for _, r := range corpus.Renders(t) {
		inputs[r.Name] = r.Data
	}
	for _, h := range corpus.Hooks(t) {
		inputs["hooks/"+h.Name] = h.Data
	}
	helm := toolBinary(t, "HELM_BIN", "helm")
	dirs, err := filepath.Glob(filepath.Join("..", "..", "testdata", "charts", "*", "Chart.yaml"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no charts under testdata/charts: %v", err)
	}
	for _, d := range dirs {
		r := runTool(t, helmHome(t), helm, "template", "demo", filepath.Dir(d), "--kube-version", "1.31.0")
		if r.code != 0 {
			t.Fatalf("helm template %s: exit %d\n%s", d, r.code, r.stderr)
		}
		inputs["charts/"+filepath.Base(filepath.Dir(d))] = []byte(r.stdout)
	}
	for i, tw := range celTwins {
		twinFile := tw.twin
		if tw.twinEdit[0] != "" {
			b, err := os.ReadFile(tw.twin)
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(string(b), tw.twinEdit[0]) {
				t.Fatalf("%s does not hold %q", tw.twin, tw.twinEdit[0])
			}
			twinFile = filepath.Join(t.TempDir(), filepath.Base(tw.twin))
			if err := os.WriteFile(twinFile, []byte(strings.Replace(string(b), tw.twinEdit[0], tw.twinEdit[1], 1)), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		for name, in := range inputs {
			t.Run(fmt.Sprintf("%d-%s/%s", i, filepath.Base(tw.twin), name), func(t *testing.T) {
				classic, classicDocs := renderWith(t, tw.classic, tw.classicArgs, in)
				twin, twinDocs := renderWith(t, twinFile, nil, in)
				if classic != twin && (!tw.quoted || !equalUpToQuotes(classic, twin)) {
					t.Errorf("the outputs differ:\n%s", twinDiff(classic, twin))
				}
				if !slices.Equal(classicDocs.mutated, twinDocs.mutated) {
					t.Errorf("mutated documents: classic %v, twin %v", classicDocs.mutated, twinDocs.mutated)
				}
				if !slices.Equal(classicDocs.failed, twinDocs.failed) {
					t.Errorf("failed documents: classic %v, twin %v", classicDocs.failed, twinDocs.failed)
				}
				if !slices.Equal(classicDocs.selected, twinDocs.selected) {
					t.Errorf("selected documents: classic %v, twin %v", classicDocs.selected, twinDocs.selected)
				}
			})
		}
	}
}

type docVerdicts struct{ mutated, failed, selected []int }

// renderWith renders in with one policy file, args and no library, and reads
// which documents the policy mutated, which it failed and which it had a
// result for.
func renderWith(t *testing.T, policyFile string, args []string, in []byte) (string, docVerdicts) {
	t.Helper()
	report := filepath.Join(t.TempDir(), "report.json")
	res := runCmd(t, append([]string{"render", "--no-builtin", "-p", policyFile, "--mode", "audit",
		"--report-file", report, "--report-format", "json"}, args...), in, nil)
	if res.code != 0 {
		t.Fatalf("render -p %s: exit %d\n%s", policyFile, res.code, res.stderr)
	}
	b, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Results []struct {
			Resource struct {
				Index int `json:"index"`
			} `json:"resource"`
			Status  string `json:"status"`
			Message string `json:"message"`
		} `json:"results"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	var v docVerdicts
	for _, r := range rep.Results {
		if r.Status == "error" {
			t.Errorf("%s: doc %d: error: %s", policyFile, r.Resource.Index, r.Message)
		}
		if !slices.Contains(v.selected, r.Resource.Index) {
			v.selected = append(v.selected, r.Resource.Index)
		}
		if r.Status == "fail" && !slices.Contains(v.failed, r.Resource.Index) {
			v.failed = append(v.failed, r.Resource.Index)
		}
		if r.Status == "pass" && r.Message == "mutated" && !slices.Contains(v.mutated, r.Resource.Index) {
			v.mutated = append(v.mutated, r.Resource.Index)
		}
	}
	return res.stdout, v
}

// twinDiff shows the first differing line of two outputs and its
// neighbours.
func twinDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := 0; i < max(len(la), len(lb)); i++ {
		if i >= len(la) || i >= len(lb) || la[i] != lb[i] {
			lo := max(0, i-3)
			return "classic:\n" + strings.Join(la[lo:min(len(la), i+3)], "\n") + "\ntwin:\n" + strings.Join(lb[lo:min(len(lb), i+3)], "\n")
		}
	}
	return ""
}

// equalUpToQuotes reports whether a and b have the same lines but for
// lines whose value is double-quoted in a ("key: "v"") and plain in b
// ("key: v").
func equalUpToQuotes(a, b string) bool {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	if len(la) != len(lb) {
		return false
	}
	for i := range la {
		if la[i] == lb[i] {
			continue
		}
		k, v, ok := strings.Cut(la[i], `: "`)
		if !ok || !strings.HasSuffix(v, `"`) || strings.ContainsAny(v[:len(v)-1], `"\`) || lb[i] != k+": "+v[:len(v)-1] {
			return false
		}
	}
	return true
}
