package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/preadmit/preadmit/transform/report"
)

// reportClock matches the time stamps a report carries (the time of the
// run), in each format's spelling.
var reportClock = regexp.MustCompile(`(seconds: |"generatedAt": "|"endTimeUtc": "|timestamp=")[0-9TZ:-]+`)

// TestCELReportFormats renders a Deployment that fails a
// ValidatingAdmissionPolicy (through its binding), a ValidatingPolicy (its
// autogen rule) and validate.cel in a ClusterPolicy, and that a
// MutatingAdmissionPolicy changes, with the report in each format: every
// format names each failure's message, its failing expression with the
// expression's field path, and the policy's preadmit.io/remediation fix.
// The reports are compared with testdata/golden/cel-report.<format>.golden,
// their time stamps blanked.
func TestCELReportFormats(t *testing.T) {
	dir := filepath.Join("testdata", "celreport")
	in, err := os.ReadFile(filepath.Join(dir, "input.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	// What each format must name: the expressions with their field paths
	// and each policy's fix.
	want := []string{
		"spec.validations[1].expression",                           // ValidatingAdmissionPolicy, its second validation
		"validate.cel.expressions[0].expression",                   // validate.cel
		"object.spec.template.spec.?securityContext.?runAsNonRoot", // the ValidatingPolicy's autogen rule
		"the host network is not allowed",                          // messages: message,
		"securityContext.runAsNonRoot must be true, not false",     // messageExpression,
		"failed expression: object.spec.replicas",                  // the API server's default
		"Lower spec.replicas to 5 or fewer",                        // fixes
		"runAsNonRoot: true",
		"Remove spec.hostNetwork",
	}
	for _, f := range report.Formats() {
		t.Run(string(f), func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "report")
			res := runCmd(t, []string{"render", "--no-builtin", "-p", filepath.Join(dir, "policies.yaml"),
				"--report-file", file, "--report-format", string(f)}, in, nil)
			if res.code != 1 || res.stdout != "" {
				t.Fatalf("exit %d with %d bytes on stdout, want 1 and none (the binding denies)\n%s", res.code, len(res.stdout), res.stderr)
			}
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			got := string(b)
			for _, w := range want {
				if !strings.Contains(got, w) {
					t.Errorf("the %s report lacks %q:\n%s", f, w, got)
				}
			}
			golden(t, "cel-report."+string(f)+".golden", reportClock.ReplaceAllString(got, "${1}0"))
		})
	}
}
