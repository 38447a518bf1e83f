package main

import "testing"

// TestRenderCELObjectsCLI runs render with the objects CEL policies read
// beside the stream: parameter objects (--params) and CRDs (--crd), from a
// file, a directory or the environment, and the errors of each.
func TestRenderCELObjectsCLI(t *testing.T) {
	const dir = "testdata/cel-inputs/"
	params := []string{"render", "--no-builtin", "-p", dir + "vap-params.yaml"}
	crd := []string{"render", "--no-builtin", "-p", dir + "vap-crd.yaml"}
	runCases(t, []cmdTestCase{
		// The binding's ReplicaLimit is in the file: four replicas fail.
		{name: "cel-params-file", args: append(params, "--params", dir+"params/replica-limit.yaml"), input: "cel-deployments.yaml", code: 1},
		// A directory: every YAML file, a List's items one by one.
		{name: "cel-params-dir", args: append(params, "--params", dir+"params", "--mode", "audit"), input: "cel-deployments.yaml"},
		{name: "cel-params-env", args: append(params, "--mode", "audit"), input: "cel-deployments.yaml",
			env: map[string]string{"PREADMIT_PARAMS": dir + "params/replica-limit.yaml"}},
		// Without it, the binding's parameterNotFoundAction Deny is an error.
		{name: "cel-params-none", args: params, input: "cel-deployments.yaml", code: 1},
		// Octopus is served as octopi: the CRD maps it, and the rule applies.
		{name: "cel-crd-file", args: append(crd, "--crd", dir+"crds/octopus.yaml"), input: "cel-octopus.yaml", code: 1},
		{name: "cel-crd-dir", args: append(crd, "--crd", dir+"crds", "--mode", "warn"), input: "cel-octopus.yaml"},
		// Without it, the kind maps to the plural the API server would
		// guess (octopuses), which the rule does not name.
		{name: "cel-crd-none", args: crd, input: "cel-octopus.yaml"},
		// The help lists every render flag, --params and --crd among them.
		{name: "render-help", args: []string{"render", "--help"}},
	})
}

func TestRenderCELObjectsCLIErrors(t *testing.T) {
	const dir = "testdata/cel-inputs/"
	crd := []string{"render", "--no-builtin", "-p", dir + "vap-crd.yaml"}
	runCases(t, []cmdTestCase{
		{name: "error-params-missing", args: []string{"render", "--params", dir + "no-such-file.yaml"}, input: "cel-deployments.yaml", code: 2},
		{name: "error-params-no-name", args: []string{"render", "--params", dir + "param-no-name.yaml"}, input: "cel-deployments.yaml", code: 2},
		{name: "error-crd-missing", args: append(crd, "--crd", dir+"no-such-dir"), input: "cel-octopus.yaml", code: 2},
		{name: "error-crd-not-a-crd", args: append(crd, "--crd", dir+"not-a-crd.yaml", "--crd", dir+"crd-no-plural.yaml"), input: "cel-octopus.yaml", code: 2},
		{name: "error-crd-empty-file", args: append(crd, "--crd", "/dev/null"), input: "cel-octopus.yaml", code: 2},
	})
}
