package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// ghAction is the part of action.yml a runner reads.
type ghAction struct {
	Name        string            `yaml:"name"`
	Description string            `yaml:"description"`
	Author      string            `yaml:"author"`
	Branding    map[string]string `yaml:"branding"`
	Inputs      map[string]struct {
		Description string `yaml:"description"`
		Required    bool   `yaml:"required"`
		Default     string `yaml:"default"`
	} `yaml:"inputs"`
	Outputs map[string]struct {
		Description string `yaml:"description"`
		Value       string `yaml:"value"`
	} `yaml:"outputs"`
	Runs struct {
		Using string         `yaml:"using"`
		Steps []ghActionStep `yaml:"steps"`
	} `yaml:"runs"`
}

type ghActionStep struct {
	Name  string            `yaml:"name"`
	ID    string            `yaml:"id"`
	If    string            `yaml:"if"`
	Shell string            `yaml:"shell"`
	Run   string            `yaml:"run"`
	Uses  string            `yaml:"uses"`
	Env   map[string]string `yaml:"env"`
	With  map[string]string `yaml:"with"`
}

// TestAction runs the composite action of action.yml the way a GitHub
// runner does: every run step's script in order with "bash --noprofile
// --norc -eo pipefail", ${{ }} expressions substituted, the step's env,
// GITHUB_OUTPUT, GITHUB_PATH and RUNNER_TEMP; a failed step skips the later
// steps that do not say !cancelled(). The uses steps (setup-go, the SARIF
// upload) need GitHub and are checked for their inputs only.
func TestAction(t *testing.T) {
	act := readAction(t)
	preadmitDir, manifests, policyDir := ciFixtures(t)
	tests := []struct {
		name string
		with map[string]string
		// preadmit on PATH, as after "make build && export PATH=$PWD/bin:$PATH";
		// otherwise the action builds its own source.
		onPath bool
		// wantFailed is the step that fails, "" for none.
		wantFailed string
		// wantResults are "level uri ruleId" of the SARIF results, sorted
		// as written; nil means no SARIF file at all.
		wantResults []string
		wantOutput  bool
	}{{
		name:        "enforce violation fails the step, SARIF has it",
		with:        map[string]string{"manifests": "manifests/*.yaml"},
		onPath:      true,
		wantFailed:  "preadmit render",
		wantResults: []string{"error manifests/web.yaml disallow-latest-tag/autogen-validate-image-tag"},
	}, {
		name:        "audit passes and writes the rendered manifests",
		with:        map[string]string{"manifests": "manifests/**/*.yaml", "mode": "audit", "output": "rendered.yaml"},
		onPath:      true,
		wantResults: []string{"warning manifests/web.yaml disallow-latest-tag/autogen-validate-image-tag"},
		wantOutput:  true,
	}, {
		name:        "enforce passes on compliant manifests, with the policies' tests",
		with:        map[string]string{"command": "cat manifests/settings.yaml", "test-dir": "policies", "policies": "policies/disallow-latest-tag.yaml", "args": "--profile baseline"},
		onPath:      true,
		wantResults: []string{},
	}, {
		name:       "no file matches",
		with:       map[string]string{"manifests": "nowhere/*.yaml"},
		onPath:     true,
		wantFailed: "preadmit render",
	}, {
		name:        "builds preadmit from the action's source",
		with:        map[string]string{"manifests": "manifests/settings.yaml"},
		wantResults: []string{},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if !tc.onPath && testing.Short() {
				t.Skip("builds preadmit")
			}
			ws := t.TempDir()
			copyFixtureTree(t, manifests, filepath.Join(ws, "manifests"))
			copyFixtureTree(t, policyDir, filepath.Join(ws, "policies"))
			path := pathWithoutExe(os.Getenv("PATH"), "preadmit")
			if tc.onPath {
				path = preadmitDir + string(os.PathListSeparator) + path
			}
			failed := runAction(t, act, ws, path, tc.with)
			if failed != tc.wantFailed {
				t.Fatalf("failed step %q, want %q", failed, tc.wantFailed)
			}
			sarifFile := filepath.Join(ws, act.Inputs["sarif-file"].Default)
			got, err := sarifResultLines(sarifFile)
			switch {
			case tc.wantResults == nil && err == nil:
				t.Errorf("a SARIF file was written: %v", got)
			case tc.wantResults != nil && err != nil:
				t.Fatal(err)
			case tc.wantResults != nil && strings.Join(got, "\n") != strings.Join(tc.wantResults, "\n"):
				t.Errorf("SARIF results:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.wantResults, "\n"))
			}
			if tc.wantOutput {
				out, err := os.ReadFile(filepath.Join(ws, "rendered.yaml"))
				if err != nil || !bytes.Contains(out, []byte("runAsNonRoot: true")) {
					t.Errorf("rendered.yaml has no mutated Deployment (%v):\n%s", err, out)
				}
			}
		})
	}
}

// TestActionUses checks the steps a runner delegates to other actions:
// Go is set up from the action's go.mod only when preadmit must be built,
// and the SARIF upload runs even after a failed render, whenever a report
// was written.
func TestActionUses(t *testing.T) {
	act := readAction(t)
	want := map[string]ghActionStep{
		"actions/setup-go@v5": {
			If:   "steps.find.outputs.how != 'path'",
			With: map[string]string{"go-version-file": "${{ github.action_path }}/go.mod", "cache": "false"},
		},
		"github/codeql-action/upload-sarif@v3": {
			If:   "${{ always() && inputs.upload-sarif == 'true' && hashFiles(inputs.sarif-file) != '' }}",
			With: map[string]string{"sarif_file": "${{ inputs.sarif-file }}", "category": "${{ inputs.category }}"},
		},
	}
	seen := 0
	for _, s := range act.Runs.Steps {
		if s.Uses == "" {
			continue
		}
		w, ok := want[s.Uses]
		if !ok {
			t.Errorf("step %q uses %s, which no test checks", s.Name, s.Uses)
			continue
		}
		seen++
		if s.If != w.If {
			t.Errorf("%s: if = %q, want %q", s.Uses, s.If, w.If)
		}
		for k, v := range w.With {
			if s.With[k] != v {
				t.Errorf("%s: with.%s = %q, want %q", s.Uses, k, s.With[k], v)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("%d of the %d expected uses steps found", seen, len(want))
	}
	if act.Runs.Using != "composite" {
		t.Errorf("runs.using = %q, want composite", act.Runs.Using)
	}
}

func readAction(t *testing.T) ghAction {
	t.Helper()
	b, err := os.ReadFile("../../action.yml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var a ghAction
	if err := dec.Decode(&a); err != nil {
		t.Fatalf("action.yml: %v", err)
	}
	return a
}

// runAction plays the run steps of act in workspace ws with the inputs
// with, and returns the name of the first step that failed, "" if none.
func runAction(t *testing.T, act ghAction, ws, path string, with map[string]string) string {
	t.Helper()
	for k := range with {
		if _, ok := act.Inputs[k]; !ok {
			t.Fatalf("action.yml has no input %q", k)
		}
	}
	actionPath, err := filepath.Abs("../..")
	if err != nil {
		t.Fatal(err)
	}
	runnerTemp := t.TempDir()
	outputs := map[string]map[string]string{}
	expr := regexp.MustCompile(`\$\{\{\s*(.*?)\s*\}\}`)
	eval := func(s string) string {
		return expr.ReplaceAllStringFunc(s, func(m string) string {
			e := expr.FindStringSubmatch(m)[1]
			switch {
			case strings.HasPrefix(e, "inputs."):
				name := strings.TrimPrefix(e, "inputs.")
				in, ok := act.Inputs[name]
				if !ok {
					t.Fatalf("action.yml uses undeclared input %q", name)
				}
				if v, ok := with[name]; ok {
					return v
				}
				return in.Default
			case e == "github.action_path":
				return actionPath
			case e == "github.action_ref":
				return ""
			case strings.HasPrefix(e, "steps."):
				// steps.ID.outputs.NAME
				parts := strings.Split(e, ".")
				if len(parts) != 4 || parts[2] != "outputs" {
					t.Fatalf("expression %q: the test knows steps.ID.outputs.NAME only", e)
				}
				return outputs[parts[1]][parts[3]]
			}
			t.Fatalf("expression %q: the test substitutes inputs.*, github.action_path, github.action_ref and steps.*.outputs.* only", e)
			return ""
		})
	}
	failed := ""
	for i, s := range act.Runs.Steps {
		if s.Run == "" {
			continue
		}
		switch s.If {
		case "":
			if failed != "" {
				continue
			}
		case "${{ !cancelled() }}":
		default:
			t.Fatalf("step %q: if %q; a run step's condition is none or !cancelled(), so that the test knows when it runs", s.Name, s.If)
		}
		if s.Shell != "bash" {
			t.Fatalf("step %q: shell %q, want bash", s.Name, s.Shell)
		}
		dir := filepath.Join(runnerTemp, "_step", s.ID+"-"+string(rune('a'+i)))
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		script := filepath.Join(dir, "script.sh")
		if err := os.WriteFile(script, []byte(eval(s.Run)), 0o644); err != nil {
			t.Fatal(err)
		}
		outFile, pathFile := filepath.Join(dir, "output"), filepath.Join(dir, "path")
		cmd := exec.Command("bash", "--noprofile", "--norc", "-eo", "pipefail", script)
		cmd.Dir = ws
		cmd.Env = append(os.Environ(), "PATH="+path, "RUNNER_TEMP="+runnerTemp, "GITHUB_WORKSPACE="+ws,
			"GITHUB_ACTION_PATH="+actionPath, "GITHUB_OUTPUT="+outFile, "GITHUB_PATH="+pathFile, "PREADMIT_TTY=never")
		for k, v := range s.Env {
			cmd.Env = append(cmd.Env, k+"="+eval(v))
		}
		out, err := cmd.CombinedOutput()
		t.Logf("step %q:\n%s", s.Name, out)
		var ee *exec.ExitError
		switch {
		case errors.As(err, &ee):
			if failed == "" {
				failed = s.Name
			}
		case err != nil:
			t.Fatal(err)
		}
		if s.ID != "" {
			outputs[s.ID] = githubOutputs(t, outFile)
		}
		if b, err := os.ReadFile(pathFile); err == nil {
			for _, p := range strings.Fields(string(b)) {
				path = p + string(os.PathListSeparator) + path
			}
		}
	}
	return failed
}

// githubOutputs reads a GITHUB_OUTPUT file's NAME=VALUE lines.
func githubOutputs(t *testing.T, file string) map[string]string {
	t.Helper()
	m := map[string]string{}
	f, err := os.Open(file)
	if errors.Is(err, os.ErrNotExist) {
		return m
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if k, v, ok := strings.Cut(sc.Text(), "="); ok {
			m[k] = v
		}
	}
	return m
}

// sarifResultLines reads a SARIF log and returns each result as "level uri
// ruleId".
func sarifResultLines(file string) ([]string, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	var log struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID    string `json:"ruleId"`
				Level     string `json:"level"`
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct {
							URI string `json:"uri"`
						} `json:"artifactLocation"`
					} `json:"physicalLocation"`
				} `json:"locations"`
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(b, &log); err != nil {
		return nil, errors.New(file + ": not JSON: " + err.Error())
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		return nil, errors.New(file + ": not a SARIF 2.1.0 log with one run")
	}
	got := []string{}
	for _, r := range log.Runs[0].Results {
		uri := ""
		if len(r.Locations) > 0 {
			uri = r.Locations[0].PhysicalLocation.ArtifactLocation.URI
		}
		got = append(got, r.Level+" "+uri+" "+r.RuleID)
	}
	return got, nil
}

// pathWithoutExe drops the PATH entries that hold an executable named name.
func pathWithoutExe(path, name string) string {
	var keep []string
	for _, d := range filepath.SplitList(path) {
		if fi, err := os.Stat(filepath.Join(d, name)); err == nil && !fi.IsDir() {
			continue
		}
		keep = append(keep, d)
	}
	return strings.Join(keep, string(os.PathListSeparator))
}

// copyFixtureTree copies the regular files under src to dst.
func copyFixtureTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		if err := os.MkdirAll(filepath.Dir(target), 0o755); err != nil {
			return err
		}
		return os.WriteFile(target, b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// ciFixtures are what the CI entry points' tests share: the directory of
// the preadmit binary under test, the sample manifests and a policy
// directory with its kyverno-test.yaml, as absolute paths.
func ciFixtures(t *testing.T) (preadmitDir, manifests, policyDir string) {
	t.Helper()
	abs := func(p string) string {
		a, err := filepath.Abs(p)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	return filepath.Dir(preadmitBinary(t)), abs("testdata/ci/manifests"), abs("../../policies/best-practices/disallow-latest-tag")
}
