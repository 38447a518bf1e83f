package postrender_test

import (
	"errors"
	"strings"
	"testing"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/release"

	"github.com/preadmit/preadmit/postrender"
)

// installDemo renders charts/demo-app the way "helm install --dry-run"
// does, client-only, with pr as the post-renderer.
func installDemo(t *testing.T, pr *postrender.PostRenderer) (*release.Release, error) {
	t.Helper()
	chrt, err := loader.Load("../charts/demo-app")
	if err != nil {
		t.Fatal(err)
	}
	kv, err := chartutil.ParseKubeVersion("1.31.0")
	if err != nil {
		t.Fatal(err)
	}
	install := action.NewInstall(&action.Configuration{Log: t.Logf})
	install.ReleaseName = "demo"
	install.Namespace = "shop"
	install.ClientOnly = true
	install.DryRun = true
	install.Replace = true
	install.KubeVersion = kv
	install.PostRenderer = pr
	return install.Run(chrt, map[string]interface{}{})
}

func TestInstallAudit(t *testing.T) {
	pr, err := postrender.New(postrender.Options{Mode: "audit", Namespace: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	rel, err := installDemo(t, pr)
	if err != nil {
		t.Fatalf("audit mode must not fail the install: %v", err)
	}
	for _, want := range []string{
		"# Source: demo-app/templates/deployment.yaml",
		"runAsNonRoot: true",
		"allowPrivilegeEscalation: false",
		"memory: 512Mi",
	} {
		if !strings.Contains(rel.Manifest, want) {
			t.Errorf("release manifest lacks %q (not mutated?):\n%s", want, rel.Manifest)
		}
	}
	failed := 0
	for _, r := range pr.Results() {
		if r.Status == "fail" {
			failed++
		}
	}
	if failed == 0 {
		t.Errorf("Results() shows no Audit failure for the deliberately non-compliant chart: %v", pr.Results())
	}
}

func TestInstallEnforce(t *testing.T) {
	pr, err := postrender.New(postrender.Options{Mode: "enforce", Namespace: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	rel, err := installDemo(t, pr)
	if err == nil {
		t.Fatalf("enforce mode installed the non-compliant chart:\n%s", rel.Manifest)
	}
	var ve *postrender.ViolationError
	if !errors.As(err, &ve) {
		t.Fatalf("error is not a *ViolationError: %v", err)
	}
	if len(ve.Violations) == 0 {
		t.Fatal("ViolationError without violations")
	}
	want := "Deployment shop/demo-demo-app (source: demo-app/templates/deployment.yaml): disallow-latest-tag/autogen-validate-image-tag"
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error lacks the violation line %q:\n%v", want, err)
	}
}

func TestNewPolicyError(t *testing.T) {
	_, err := postrender.New(postrender.Options{Policies: []string{"../testdata/policies-invalid/unknown-anchor-validate.yaml"}})
	if err == nil || !strings.Contains(err.Error(), "unknown-anchor-validate") {
		t.Fatalf("want a policy error naming the policy, got %v", err)
	}
}

// An opt-in policy that does not exist is an error, as in the CLI.
func TestNewUnknownEnable(t *testing.T) {
	_, err := postrender.New(postrender.Options{Enable: []string{"no-such-policy"}})
	if err == nil || !strings.Contains(err.Error(), "--enable no-such-policy: no such policy") {
		t.Fatalf("want a policy error naming the policy, got %v", err)
	}
}
