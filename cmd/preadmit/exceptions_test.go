package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/preadmit/preadmit/internal/corpus"
)

// exceptionCase is one end-to-end run of the binary's command tree.
type exceptionCase struct {
	name  string
	args  []string
	stdin string // a file under testdata/exceptions, or ""
	env   map[string]string
	code  int
	// stdout is the expected output file under testdata/exceptions ("-":
	// nothing at all); wantOut, when set, is the literal expected stdout.
	stdout  string
	wantOut string
	// stderr lines that must appear, in order; notErr must not appear.
	stderr []string
	notErr []string
}

const exDir = "testdata/exceptions/"

// The render flags common to these cases: only the test policy, a fixed
// clock, no copy to /dev/tty.
var exRender = []string{"render", "--no-builtin", "-p", exDir + "policy.yaml", "--tty=never", "--at", "2025-06-01"}

func TestExceptionsCLI(t *testing.T) {
	args := func(extra ...string) []string { return append(append([]string{}, exRender...), extra...) }
	tests := []exceptionCase{
		{
			name: "exception matches: skip, render succeeds", args: args("--exceptions", exDir+"exceptions.yaml"),
			stdin: "covered.yaml", code: 0, stdout: "covered.yaml",
			stderr: []string{"preadmit: 1 resource, 0 mutated, 0 pass, 0 fail, 0 warn, 0 error, 1 skip"},
			notErr: []string{"warning:"},
		},
		{
			name: "exception does not match: the violation blocks", args: args("--exceptions", exDir+"exceptions.yaml"),
			stdin: "uncovered.yaml", code: 1, stdout: "-",
			stderr: []string{
				"doc 0 Deployment delta/other-tool (source: tools/templates/other.yaml): disallow-host-namespaces/autogen-host-namespaces: Sharing the host namespaces is disallowed.",
				"  fix: spec:",
				"preadmit: 1 violation(s) of policies in Enforce: nothing was rendered",
			},
		},
		{
			name:  "expired exception: a warning naming owner and expiry, no effect",
			args:  append(args("--exceptions", exDir+"exceptions.yaml"), "--at", "2026-01-02"),
			stdin: "covered.yaml", code: 1, stdout: "-",
			stderr: []string{
				"warning: doc 0 Deployment delta/important-tool (source: tools/templates/deployment.yaml): disallow-host-namespaces/autogen-host-namespaces: PolicyException delta/important-tool expired after 2025-12-31 (owner: team-delta): it no longer applies; renew its expiry or fix the resource",
				"doc 0 Deployment delta/important-tool (source: tools/templates/deployment.yaml): disallow-host-namespaces/autogen-host-namespaces: Sharing the host namespaces is disallowed.",
				"nothing was rendered",
			},
		},
		{
			name:  "expired exception in audit mode: the warning reaches stderr on success",
			args:  append(args("--exceptions", exDir+"exceptions.yaml", "--mode", "audit"), "--at", "2026-01-02"),
			stdin: "covered.yaml", code: 0, stdout: "covered.yaml",
			stderr: []string{"warning: doc 0 Deployment delta/important-tool", "expired after 2025-12-31 (owner: team-delta)", "1 fail (audit), 1 warn"},
		},
		{
			name:  "missing metadata with the strict flag: exit 2 naming the exception",
			args:  args("--exceptions", exDir+"incomplete.yaml", "--require-exception-metadata"),
			stdin: "covered.yaml", code: 2, stdout: "-",
			stderr: []string{"preadmit: policy exception error in " + exDir + "incomplete.yaml: PolicyException delta/no-reason: metadata.annotations: missing reason (preadmit.io/reason), expiry (preadmit.io/expires)"},
		},
		{
			name:  "missing metadata without the strict flag: the exception applies",
			args:  args("--exceptions", exDir+"incomplete.yaml"),
			stdin: "covered.yaml", code: 0, stdout: "covered.yaml",
			stderr: []string{"1 skip"},
		},
		{
			name: "strict flag from the environment",
			args: args("--exceptions", exDir+"incomplete.yaml"), env: map[string]string{"PREADMIT_REQUIRE_EXCEPTION_METADATA": "true"},
			stdin: "covered.yaml", code: 2, stdout: "-",
			stderr: []string{"PolicyException delta/no-reason: metadata.annotations: missing reason"},
		},
		{
			name: "exceptions from the environment", args: args(), env: map[string]string{"PREADMIT_EXCEPTIONS": exDir + "exceptions.yaml"},
			stdin: "covered.yaml", code: 0, stdout: "covered.yaml",
			stderr: []string{"1 skip"},
		},
		{
			name: "exception in the stream: applied and consumed", args: args(),
			stdin: "in-stream.yaml", code: 0, stdout: "covered.yaml",
			stderr: []string{"preadmit: 1 resource, 0 mutated, 0 pass, 0 fail, 0 warn, 0 error, 1 skip"},
		},
		{
			name: "exception in the stream with --keep-exceptions: written back", args: args("--keep-exceptions"),
			stdin: "in-stream.yaml", code: 0, stdout: "in-stream.yaml",
			stderr: []string{"1 skip"},
		},
		{
			name: "exception in the stream, strict: exit 2 naming the document", args: args("--require-exception-metadata"),
			stdin: "in-stream-incomplete.yaml", code: 2, stdout: "-",
			stderr: []string{"preadmit: policy exception error in input document 1 (source: tools/templates/exception.yaml): PolicyException delta/no-reason: metadata.annotations: missing reason"},
		},
		{
			name: "a malformed --at", args: args("--at", "tomorrow"),
			stdin: "covered.yaml", code: 2, stdout: "-",
			stderr: []string{`--at "tomorrow": expected an RFC 3339 date`},
		},
		{
			name: "exceptions list", args: []string{"exceptions", "list", exDir + "exceptions.yaml", exDir + "incomplete.yaml", "--at", "2025-06-01"},
			code: 0,
			wantOut: "EXCEPTION             POLICY/RULES                                                       OWNER       REASON                               EXPIRES     DAYS LEFT  SOURCE\n" +
				"delta/important-tool  disallow-host-namespaces: host-namespaces,autogen-host-namespaces  team-delta  reads host IPC until the v2 rewrite  2025-12-31  214        " + exDir + "exceptions.yaml\n" +
				"delta/no-reason       disallow-host-namespaces: *                                        team-delta  -                                    never       -          " + exDir + "incomplete.yaml\n",
		},
		{
			name: "exceptions list: expired, from stdin", args: []string{"exceptions", "list", "-", "--at", "2026-01-02"},
			stdin: "in-stream.yaml", code: 0,
			wantOut: "EXCEPTION             POLICY/RULES                                                       OWNER       REASON                               EXPIRES     DAYS LEFT     SOURCE\n" +
				"delta/important-tool  disallow-host-namespaces: host-namespaces,autogen-host-namespaces  team-delta  reads host IPC until the v2 rewrite  2025-12-31  -2 (expired)  input document 1 (source: tools/templates/exception.yaml)\n",
		},
		{
			name: "exceptions list: a fine-grained exception says what it allows", args: []string{"exceptions", "list", exDir + "fine-grained.yaml"},
			code: 0,
			wantOut: "EXCEPTION                      POLICY/RULES                                                                                                          OWNER  REASON  EXPIRES  DAYS LEFT  SOURCE\n" +
				"default/allow-specific-values  ValidatingPolicy allow-specific-values: * [exempts nothing; allows images: registry.local/busybox:1.36; values: FOO]  -      -       never    -          " + exDir + "fine-grained.yaml\n",
		},
		{
			name: "exceptions list: a bad file", args: []string{"exceptions", "list", exDir + "policy.yaml"},
			code: 2, stdout: "-",
			stderr: []string{"preadmit: policy exception error in " + exDir + "policy.yaml: ClusterPolicy disallow-host-namespaces in an exceptions file: give policies with --policy"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var stdin []byte
			if tt.stdin != "" {
				stdin = readTestFile(t, exDir+tt.stdin)
			}
			var stdout, stderr bytes.Buffer
			code := run(context.Background(), tt.args, bytes.NewReader(stdin), &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstderr:\n%s", code, tt.code, stderr.String())
			}
			switch {
			case tt.wantOut != "":
				if stdout.String() != tt.wantOut {
					t.Errorf("stdout:\n%s\nwant:\n%s", stdout.String(), tt.wantOut)
				}
			case tt.stdout == "-":
				if stdout.Len() != 0 {
					t.Errorf("stdout must be empty, got:\n%s", stdout.String())
				}
			case tt.stdout != "":
				if want := readTestFile(t, exDir+tt.stdout); !bytes.Equal(stdout.Bytes(), want) {
					t.Errorf("stdout:\n%s\nwant:\n%s", stdout.String(), want)
				}
			}
			assertInOrder(t, stderr.String(), tt.stderr)
			for _, s := range tt.notErr {
				if strings.Contains(stderr.String(), s) {
					t.Errorf("stderr must not contain %q:\n%s", s, stderr.String())
				}
			}
		})
	}
}

// A real chart that needs the host passes the built-in restricted profile
// with one exception file; without it, the render is blocked.
func TestExceptionsCLICorpus(t *testing.T) {
	dir := corpus.Dir()
	if dir == "" {
		t.Skip("no chart corpus: set PREADMIT_CORPUS")
	}
	in := readTestFile(t, filepath.Join(dir, "prometheus-node-exporter.yaml"))
	base := []string{"render", "--tty=never", "--at", "2025-06-01"}
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), base, bytes.NewReader(in), &stdout, &stderr); code != 1 {
		t.Fatalf("without the exception: exit %d, want 1\n%s", code, stderr.String())
	}
	stdout.Reset()
	stderr.Reset()
	reportFile := filepath.Join(t.TempDir(), "report.json")
	args := append(base, "--exceptions", exDir+"node-exporter.yaml", "--report-file", reportFile, "--report-format", "json")
	if code := run(context.Background(), args, bytes.NewReader(in), &stdout, &stderr); code != 0 {
		t.Fatalf("with the exception: exit %d, want 0\n%s", code, stderr.String())
	}
	if stdout.Len() == 0 {
		t.Error("no manifests on stdout")
	}
	assertInOrder(t, stderr.String(), []string{" 0 fail"})
	var rep struct {
		Results []struct {
			Rule      string `json:"rule"`
			Status    string `json:"status"`
			Exception string `json:"exception"`
		} `json:"results"`
	}
	if err := json.Unmarshal(readTestFile(t, reportFile), &rep); err != nil {
		t.Fatal(err)
	}
	var excepted []string
	for _, r := range rep.Results {
		if r.Exception != "" {
			if r.Status != "skip" || r.Exception != "prometheus-node-exporter/node-exporter-host-access" {
				t.Errorf("result %+v", r)
			}
			excepted = append(excepted, r.Rule)
		}
	}
	if got := strings.Join(excepted, " "); got != "autogen-host-namespaces autogen-host-path autogen-restricted-volumes" {
		t.Errorf("excepted rules %q", got)
	}

	// The same exceptions, as JSON.
	stdout.Reset()
	stderr.Reset()
	if code := run(context.Background(), []string{"exceptions", "list", "-o", "json", "--at", "2025-06-01", "--exceptions", exDir + "node-exporter.yaml"}, nil, &stdout, &stderr); code != 0 {
		t.Fatalf("list: exit %d\n%s", code, stderr.String())
	}
	var list []struct {
		Name     string `json:"name"`
		Owner    string `json:"owner"`
		DaysLeft *int   `json:"daysLeft"`
		Expired  bool   `json:"expired"`
		Policies []struct {
			Policy string   `json:"policy"`
			Rules  []string `json:"rules"`
		} `json:"policies"`
	}
	if err := json.Unmarshal(stdout.Bytes(), &list); err != nil {
		t.Fatalf("list -o json: %v\n%s", err, stdout.String())
	}
	if len(list) != 1 || list[0].Name != "node-exporter-host-access" || list[0].Owner != "team-observability" ||
		list[0].DaysLeft == nil || *list[0].DaysLeft != 304 || list[0].Expired || len(list[0].Policies) != 3 {
		t.Errorf("list -o json: %+v", list)
	}
}

func readTestFile(t *testing.T, p string) []byte {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// assertInOrder checks that each string occurs in text after the previous.
func assertInOrder(t *testing.T, text string, want []string) {
	t.Helper()
	rest := text
	for _, w := range want {
		i := strings.Index(rest, w)
		if i < 0 {
			t.Errorf("missing (in order) %q in:\n%s", w, text)
			return
		}
		rest = rest[i+len(w):]
	}
}

// TestExceptionsHelm runs a chart that ships its own PolicyException through
// the real helm with preadmit as the post-renderer: the exception applies
// and is consumed; without it the render fails; once expired, it warns and
// no longer applies.
func TestExceptionsHelm(t *testing.T) {
	helm := os.Getenv("HELM_BIN")
	if helm == "" {
		var err error
		if helm, err = exec.LookPath("helm"); err != nil {
			t.Skip("helm not found (set HELM_BIN)")
		}
	}
	bin := preadmitBinary(t)
	chart := exDir + "chart"
	helmTemplate := func(at string, extra ...string) (string, string, error) {
		args := append([]string{"template", "x", chart, "--namespace", "delta", "--kube-version", "1.31.0", "--post-renderer", bin}, extra...)
		cmd := exec.Command(helm, args...)
		cmd.Env = append(os.Environ(), "PREADMIT_TTY=never", "PREADMIT_AT="+at)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		return stdout.String(), stderr.String(), err
	}

	out, stderr, err := helmTemplate("2025-06-01")
	if err != nil {
		t.Fatalf("with the chart's exception: %v\n%s", err, stderr)
	}
	if !strings.Contains(out, "kind: Deployment") || strings.Contains(out, "PolicyException") {
		t.Errorf("want the Deployment and no PolicyException on stdout:\n%s", out)
	}

	out, stderr, err = helmTemplate("2025-06-01", "--set", "exception=false")
	if err == nil {
		t.Fatalf("without the exception the render must fail:\n%s", out)
	}
	assertInOrder(t, stderr, []string{"disallow-host-namespaces/autogen-host-namespaces: Sharing the host namespaces is disallowed"})

	out, stderr, err = helmTemplate("2026-01-15")
	if err == nil {
		t.Fatalf("an expired exception must not apply:\n%s", out)
	}
	assertInOrder(t, stderr, []string{
		"warning: doc 0 Deployment delta/important-tool (source: tool/templates/deployment.yaml): disallow-host-namespaces/autogen-host-namespaces: PolicyException delta/important-tool expired after 2025-12-31 (owner: team-delta)",
	})
}
