package main

import "testing"

// TestRenderCELContextCLI runs render with context files standing in for
// the cluster and the registry of Kyverno's CEL libraries (--context-file,
// as kyverno apply's): resource.Get of a ConfigMap and of a custom
// resource, image.GetMetadata; the error a call without a value is, with
// and without a context file; and flux postrenderers, which takes the
// same flag.
func TestRenderCELContextCLI(t *testing.T) {
	const dir = "testdata/cel-context/"
	render := []string{"render", "--no-builtin", "-p", dir + "policies.yaml", "--crd", dir + "crd.yaml"}
	withContext := append(render[:len(render):len(render)], "--context-file", dir+"cluster.yaml", "--context-file", dir+"images.yaml")
	runCases(t, []cmdTestCase{
		// web and tool are within the limit: both get their team's owner;
		// tool's image is built for arm64, which the audit policy reports.
		{name: "cel-context-file", args: withContext, input: "cel-context-deployments.yaml"},
		{name: "cel-context-file-env", args: render, input: "cel-context-deployments.yaml",
			env: map[string]string{"PREADMIT_CONTEXT_FILE": dir + "cluster.yaml," + dir + "images.yaml"}},
		// big is over the limit; lost's namespace has no replica-limits
		// ConfigMap and no TeamQuota: calls the files do not answer are
		// their rules' errors, and the render fails closed.
		{name: "cel-context-file-deny", args: withContext, input: "cel-context-big.yaml", code: 1},
		// Without a context file the policies are refused, naming the call.
		{name: "cel-context-file-none", args: render, input: "cel-context-deployments.yaml", code: 2},
		// A context file without image data still answers: the image is
		// not found, the audit policy's error.
		{name: "cel-context-file-no-images", args: append(render[:len(render):len(render)], "--context-file", dir+"cluster.yaml"), input: "cel-context-deployments.yaml"},
		{name: "cel-context-file-flux", args: []string{"flux", "postrenderers", "--no-builtin", "-p", dir + "policies.yaml", "--crd", dir + "crd.yaml",
			"--context-file", dir + "cluster.yaml", "--context-file", dir + "images.yaml"}, input: "cel-context-deployments.yaml"},
	})
}

func TestRenderCELContextCLIErrors(t *testing.T) {
	const dir = "testdata/cel-context/"
	render := []string{"render", "--no-builtin", "-p", dir + "policies.yaml"}
	runCases(t, []cmdTestCase{
		{name: "error-context-file-missing", args: append(render, "--context-file", dir+"no-such-file.yaml"), input: "cel-context-deployments.yaml", code: 2},
		{name: "error-context-file-empty", args: append(render, "--context-file", "/dev/null"), input: "cel-context-deployments.yaml", code: 2},
		{name: "error-context-file-no-apiversion", args: append(render, "--context-file", dir+"no-apiversion.yaml"), input: "cel-context-deployments.yaml", code: 2},
	})
}
