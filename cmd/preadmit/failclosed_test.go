package main

import "testing"

// TestFailClosed: a rule that cannot be evaluated stops the render where a
// failure would (a validation in Enforce; a mutation unless the mode is
// audit or warn), unless its policy says failurePolicy: Ignore, as the
// admission webhook does.
func TestFailClosed(t *testing.T) {
	p := func(file string, args ...string) []string {
		return append([]string{"render", "--no-builtin", "-p", "testdata/failclosed/" + file}, args...)
	}
	runCases(t, []cmdTestCase{
		{name: "failclosed-validate-enforce", args: p("validate-error.yaml"), input: "compliant.yaml", code: 1},
		{name: "failclosed-validate-mode-enforce", args: p("validate-error.yaml", "--mode", "enforce"), input: "compliant.yaml", code: 1},
		{name: "failclosed-validate-audit", args: p("validate-error.yaml", "--mode", "audit"), input: "compliant.yaml", noGolden: true},
		{name: "failclosed-validate-warn", args: p("validate-error.yaml", "--mode", "warn"), input: "compliant.yaml", noGolden: true},
		{name: "failclosed-validate-ignore", args: p("validate-error-ignore.yaml"), input: "compliant.yaml", noGolden: true},
		{name: "failclosed-mutate", args: p("mutate-error.yaml"), input: "compliant.yaml", code: 1},
		{name: "failclosed-mutate-audit", args: p("mutate-error.yaml", "--mode", "audit"), input: "compliant.yaml", noGolden: true},
		{name: "failclosed-bad-failurepolicy", args: p("bad-failurepolicy.yaml"), input: "compliant.yaml", code: 2},
	})
}

// TestPolicyKindsNotIgnored: every document handed in as a policy is
// applied, named as not applied, or refused; none is skipped without a
// word. The CEL policies here are applied: the Deployment names no
// replicas (the API server would default them), so their expressions
// cannot be evaluated and the render fails closed, as kyverno apply does.
func TestPolicyKindsNotIgnored(t *testing.T) {
	r := func(args ...string) []string {
		return append([]string{"render", "--no-builtin", "--mode", "enforce"}, args...)
	}
	runCases(t, []cmdTestCase{
		{name: "kinds-validating-policy", args: r("-p", "testdata/kinds/cel"), input: "compliant.yaml", code: 1},
		{name: "kinds-validating-policy-file", args: r("-p", "testdata/kinds/cel/validating-policy.yaml"), input: "compliant.yaml", code: 1},
		{name: "kinds-image-validating-policy", args: r("-p", "testdata/kinds/ivpol"), input: "compliant.yaml", code: 2},
		{name: "kinds-image-validating-policy-disabled", args: r("-p", "testdata/kinds/ivpol", "-p", "testdata/failclosed/validate-error-ignore.yaml",
			"--disable", "verify-signatures"), input: "compliant.yaml", noGolden: true},
		{name: "kinds-validating-policy-disabled", args: r("-p", "testdata/kinds/cel", "-p", "testdata/failclosed/validate-error-ignore.yaml",
			"--disable", "max-one-replica"), input: "compliant.yaml", noGolden: true},
		{name: "kinds-admission-policy", args: r("-p", "testdata/kinds/vap", "-p", "testdata/failclosed/validate-error-ignore.yaml"),
			input: "compliant.yaml", code: 1},
		{name: "kinds-no-render-meaning", args: r("-p", "testdata/kinds/generating", "-p", "testdata/failclosed/validate-error-ignore.yaml"),
			input: "compliant.yaml", noGolden: true},
		{name: "kinds-payload-modes", args: r("-p", "testdata/kinds/payloads", "-p", "testdata/failclosed/validate-error-ignore.yaml"),
			input: "compliant.yaml", noGolden: true},
	})
}
