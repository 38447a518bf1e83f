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
// interface.
var forbidden = []string{
	"github.com/fluxcd/",
	"github.com/preadmit/preadmit/internal/flux",
	"github.com/preadmit/preadmit/internal/krm",
	"sigs.k8s.io/kustomize/kyaml/fn/",
	"github.com/preadmit/preadmit/internal/kyvernotest",
	"github.com/preadmit/preadmit/internal/helmrun",
	"github.com/preadmit/preadmit/internal/cliflags",
	"github.com/spf13/cobra",
	"k8s.io/client-go/kubernetes",
}

// TestLinksOnlyPipelineAndHelmInterface: the public post-renderer depends on
// the pipeline and Helm's PostRenderer interface only, and the pipeline
// links no adapter of its own.
func TestLinksOnlyPipelineAndHelmInterface(t *testing.T) {
	for _, pkg := range []string{".", "../pipeline"} {
		out, err := exec.Command("go", "list", "-deps", pkg).CombinedOutput()
		if err != nil {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, out)
		}
		deps := strings.Fields(string(out))
		var bad []string
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
