package postrender_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// forbidden are the import paths an embedder of the post-renderer must not
// pay for: the Flux export, the KRM function (ours and kyaml's framework),
// the kyverno-test runner, the CLI, and Helm beyond its post-renderer
// interface. Cobra itself is linked, by the API server's CEL environment
// (k8s.io/apiserver/pkg/cel/environment → component-base's compatibility
// flags); cobraImporters holds that to being the only way in.
var forbidden = []string{
	"github.com/fluxcd/",
	"github.com/preadmit/preadmit/internal/flux",
	"github.com/preadmit/preadmit/internal/krm",
	"sigs.k8s.io/kustomize/kyaml/fn/",
	"github.com/preadmit/preadmit/internal/kyvernotest",
	"github.com/preadmit/preadmit/internal/helmrun",
	"github.com/preadmit/preadmit/internal/cliflags",
	"k8s.io/client-go/kubernetes",
}

// cobraImporters are the only packages allowed to import cobra.
var cobraImporters = []string{"k8s.io/component-base/cli/flag"}

// TestLinksOnlyPipelineAndHelmInterface: the public post-renderer depends on
// the pipeline and Helm's PostRenderer interface only, and the pipeline
// links no adapter of its own.
func TestLinksOnlyPipelineAndHelmInterface(t *testing.T) {
	for _, pkg := range []string{".", "../pipeline"} {
		out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		var deps, bad []string
		for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
			fields := strings.Fields(line)
			deps = append(deps, fields[0])
			if slices.Contains(fields[1:], "github.com/spf13/cobra") && !slices.Contains(cobraImporters, fields[0]) {
				bad = append(bad, fields[0]+" (imports cobra)")
			}
		}
		for _, p := range deps {
			for _, f := range forbidden {
				if strings.HasPrefix(p, f) {
					bad = append(bad, p)
				}
			}
			if strings.HasPrefix(p, "helm.sh/") && p != "helm.sh/helm/v3/pkg/postrender" {
				bad = append(bad, p)
			}
		}
		if len(bad) > 0 {
			t.Errorf("go list -deps %s links %v", pkg, bad)
		}
		if pkg == "." && (!slices.Contains(deps, "github.com/preadmit/preadmit/pipeline") || !slices.Contains(deps, "helm.sh/helm/v3/pkg/postrender")) {
			t.Errorf("go list -deps %s: the post-renderer does not run the pipeline behind Helm's interface", pkg)
		}
	}
}
