package main

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// cmdTestCase is one run of the command line: arguments, environment and
// stdin in, exit code, stdout and stderr out. stdout and stderr are compared
// with testdata/golden/<name>.stdout and .stderr (rewritten by -update).
type cmdTestCase struct {
	name string
	args []string
	// input is a file under testdata/input fed on stdin; "" is an empty stdin.
	input string
	env   map[string]string
	code  int
	// noGolden skips the stdout golden file (large manifests checked by
	// other tests); stderr is still compared.
	noGolden bool
}

// cmdResult is what one run of the command printed.
type cmdResult struct {
	code           int
	stdout, stderr string
}

// runCmd runs preadmit in-process as main does. The terminal channel is off
// unless the case sets PREADMIT_TTY, so a developer's terminal stays quiet.
func runCmd(t *testing.T, args []string, stdin []byte, env map[string]string) cmdResult {
	t.Helper()
	t.Setenv("PREADMIT_TTY", "never")
	for k, v := range env {
		t.Setenv(k, v)
	}
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), args, bytes.NewReader(stdin), &stdout, &stderr)
	return cmdResult{code: code, stdout: stdout.String(), stderr: stderr.String()}
}

func readInput(t *testing.T, name string) []byte {
	t.Helper()
	if name == "" {
		return nil
	}
	b, err := os.ReadFile(filepath.Join("testdata", "input", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func runCases(t *testing.T, cases []cmdTestCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := readInput(t, tc.input)
			res := runCmd(t, tc.args, in, tc.env)
			if res.code != tc.code {
				t.Errorf("exit code %d, want %d\nstderr:\n%s", res.code, tc.code, res.stderr)
			}
			if res.code != 0 && res.stdout != "" {
				t.Errorf("exit %d with output on stdout (a failed post-renderer must print nothing):\n%s", res.code, res.stdout)
			}
			if strings.Contains(res.stderr, "panic") || strings.Contains(res.stderr, "goroutine ") {
				t.Errorf("stderr shows a panic:\n%s", res.stderr)
			}
			if !tc.noGolden {
				golden(t, tc.name+".stdout", res.stdout)
			}
			golden(t, tc.name+".stderr", res.stderr)
		})
	}
}

// golden compares got with testdata/golden/<name>, or rewrites it with -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("%s differs from the golden file (run go test -update to accept):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func TestRenderCLI(t *testing.T) {
	runCases(t, []cmdTestCase{
		{name: "render-audit", args: []string{"render", "--mode", "audit"}, input: "demo-app.yaml"},
		{name: "render-policy-actions", args: []string{"render"}, input: "demo-app.yaml"},
		{name: "render-warn", args: []string{"render", "--mode=warn"}, input: "demo-app.yaml"},
		{name: "render-enforce", args: []string{"render", "-m", "enforce"}, input: "demo-app.yaml", code: 1},
		{name: "render-enforce-env", args: []string{"render"}, input: "demo-app.yaml", code: 1,
			env: map[string]string{"PREADMIT_MODE": "enforce"}},
		{name: "render-flag-beats-env", args: []string{"render", "--mode", "audit", "--quiet"}, input: "demo-app.yaml",
			env: map[string]string{"PREADMIT_MODE": "enforce"}},
		// Helm 3 runs the post-renderer with no arguments at all.
		{name: "root-is-render", args: nil, input: "demo-app.yaml"},
		{name: "root-audit-env", args: nil, input: "demo-app.yaml",
			env: map[string]string{"PREADMIT_MODE": "audit", "PREADMIT_QUIET": "true"}},
		// More findings than a render prints: the first ten, then a count.
		{name: "render-audit-many", args: []string{"render", "--mode", "audit"}, input: "many-findings.yaml", noGolden: true},
		{name: "render-audit-many-report-file", args: []string{"render", "--mode", "audit", "--report-file", "/dev/null"}, input: "many-findings.yaml", noGolden: true},
		{name: "render-diff", args: []string{"render", "--diff", "--mode", "audit"}, input: "demo-app.yaml"},
		{name: "render-compliant-enforce", args: []string{"render", "--mode", "enforce"}, input: "compliant.yaml"},
		{name: "render-compliant-quiet", args: []string{"render", "--mode", "enforce", "-q"}, input: "compliant.yaml"},
		{name: "render-list", args: []string{"render", "--mode", "audit"}, input: "list.yaml"},
		// The fix names the Pod's own containers and their repositories.
		{name: "render-pod-warn", args: []string{"render", "--mode", "warn"}, input: "pod-latest.yaml", noGolden: true},
		{name: "render-passthrough", args: []string{"render", "--mode", "enforce"}, input: "passthrough.yaml"},
		{name: "render-helm4-annotation", args: []string{"render", "--mode", "audit"}, input: "helm4.yaml"},
		{name: "render-namespace", args: []string{"render", "--mode", "audit", "-n", "team-a", "--no-builtin",
			"-p", "testdata/policies/require-team-label.yaml"}, input: "helm4.yaml", code: 0},
		{name: "render-user-policy-enforce", args: []string{"render", "--no-builtin",
			"-p", "testdata/policies"}, input: "demo-app.yaml", code: 1},
		{name: "render-user-policy-env", args: []string{"render", "--no-builtin"}, input: "demo-app.yaml", code: 1,
			env: map[string]string{"PREADMIT_POLICY": "testdata/policies/require-team-label.yaml"}},
		{name: "render-disable", args: []string{"render", "--mode", "enforce", "--disable",
			"disallow-latest-tag,require-resource-limits", "--disable", "restrict-volume-types"}, input: "demo-app.yaml", code: 1},
		{name: "render-profile-none", args: []string{"render", "--mode", "enforce", "--profile", "none",
			"--disable", "disallow-latest-tag,require-ro-rootfs"}, input: "demo-app.yaml"},
	})
}

func TestRenderCLIErrors(t *testing.T) {
	runCases(t, []cmdTestCase{
		{name: "error-empty-stdin", args: []string{"render"}, input: "", code: 2},
		{name: "error-malformed-yaml", args: []string{"render"}, input: "malformed.yaml", code: 2},
		{name: "error-alias-bomb", args: []string{"render"}, input: "alias-bomb.yaml", code: 2},
		// kubectl keeps the last of duplicate keys, go-yaml lookups the
		// first: accepting them would let a policy check the wrong value.
		{name: "error-duplicate-keys", args: []string{"render"}, input: "duplicate-keys.yaml", code: 2},
		{name: "error-unknown-anchor", args: []string{"render", "-p", "../../testdata/policies-invalid/unknown-anchor-validate.yaml"},
			input: "demo-app.yaml", code: 2},
		{name: "error-unknown-anchor-mutate", args: []string{"render", "-p", "../../testdata/policies-invalid/unknown-anchor-mutate.yaml"},
			input: "demo-app.yaml", code: 2},
		{name: "error-invalid-policies", args: []string{"render", "--no-builtin", "-p", "../../testdata/policies-invalid"},
			input: "demo-app.yaml", code: 2},
		// Typos are errors, as kubectl apply makes them against Kyverno's
		// CRD schema: the file, policy, rule, field and nearest name.
		{name: "error-policy-unknown-fields", args: []string{"render", "-p", "../../testdata/policies-invalid/unknown-fields.yaml"},
			input: "demo-app.yaml", code: 2},
		{name: "error-values-unknown-field", args: []string{"render", "--values-file", "testdata/values/typo.yaml"},
			input: "demo-app.yaml", code: 2},
		{name: "error-missing-policy-path", args: []string{"render", "-p", "testdata/no-such-dir"}, input: "demo-app.yaml", code: 2},
		{name: "error-unknown-mode", args: []string{"render", "--mode", "block"}, input: "demo-app.yaml", code: 2},
		{name: "error-unknown-mode-env", args: []string{"render"}, input: "demo-app.yaml", code: 2,
			env: map[string]string{"PREADMIT_MODE": "block"}},
		{name: "error-unknown-flag", args: []string{"render", "--frobnicate"}, input: "demo-app.yaml", code: 2},
		{name: "error-disable-unknown", args: []string{"render", "--disable", "no-such-policy"}, input: "demo-app.yaml", code: 2},
		{name: "error-enable-unknown", args: []string{"render", "--enable", "podsecurity-restricted,no-such-policy"}, input: "demo-app.yaml", code: 2},
		{name: "error-enable-unknown-env", args: []string{"render"}, input: "demo-app.yaml", code: 2,
			env: map[string]string{"PREADMIT_ENABLE": "no-such-policy"}},
		{name: "error-report-format", args: []string{"render", "--report-file", "x", "--report-format", "xml"},
			input: "demo-app.yaml", code: 2},
		{name: "error-profile", args: []string{"render", "--profile", "strict"}, input: "demo-app.yaml", code: 2},
	})
}

func TestPoliciesCLI(t *testing.T) {
	runCases(t, []cmdTestCase{
		{name: "policies", args: []string{"policies"}},
		{name: "policies-user", args: []string{"policies", "--no-builtin", "-p", "testdata/policies"}},
		{name: "policies-not-applied", args: []string{"policies", "--no-builtin", "-p", "testdata/kinds/payloads", "-p", "testdata/kinds/generating"}},
		{name: "policies-baseline", args: []string{"policies", "--profile", "baseline"}},
		{name: "policies-enable-unknown", args: []string{"policies", "--enable", "no-such-policy"}, code: 2},
	})
}
