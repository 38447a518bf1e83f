package postrender_test

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"regexp"
	"strings"
	"testing"

	"helm.sh/helm/v4/pkg/action"
	"helm.sh/helm/v4/pkg/chart/common"
	"helm.sh/helm/v4/pkg/chart/v2/loader"
	kubefake "helm.sh/helm/v4/pkg/kube/fake"
	helmpostrenderer "helm.sh/helm/v4/pkg/postrenderer"
	release "helm.sh/helm/v4/pkg/release/v1"
	"helm.sh/helm/v4/pkg/storage"
	"helm.sh/helm/v4/pkg/storage/driver"

	"github.com/preadmit/preadmit/postrender"
)

// Helm 4's post-renderer interface is the same method as Helm 3's.
var _ helmpostrenderer.PostRenderer = (*postrender.PostRenderer)(nil)

// counting records every stream Helm gives the post-renderer.
type counting struct {
	pr     *postrender.PostRenderer
	inputs []string
}

func (c *counting) Run(in *bytes.Buffer) (*bytes.Buffer, error) {
	c.inputs = append(c.inputs, in.String())
	return c.pr.Run(in)
}

// installHooks installs testdata/hooks (a Deployment, a pre-install hook
// Job, a test hook Pod) as release "demo" in "shop" with Helm 4's action
// package: memory storage, a Kubernetes client that prints nothing and
// reports every hook done, and pr under the given post-render strategy.
func installHooks(t *testing.T, strategy action.PostRenderStrategy, pr helmpostrenderer.PostRenderer, vals map[string]any) (*release.Release, *storage.Storage, error) {
	t.Helper()
	chrt, err := loader.Load("testdata/hooks")
	if err != nil {
		t.Fatal(err)
	}
	cfg := action.NewConfiguration(action.ConfigurationSetLogger(slog.DiscardHandler))
	cfg.Releases = storage.Init(driver.NewMemory())
	cfg.KubeClient = &kubefake.PrintingKubeClient{Out: io.Discard, LogOutput: io.Discard}
	cfg.Capabilities = common.DefaultCapabilities
	install := action.NewInstall(cfg)
	install.ReleaseName = "demo"
	install.Namespace = "shop"
	install.PostRenderer = pr
	install.PostRenderStrategy = strategy
	r, err := install.Run(chrt, vals)
	if err != nil {
		return nil, cfg.Releases, err
	}
	rel, ok := r.(*release.Release)
	if !ok {
		t.Fatalf("install returned a %T", r)
	}
	return rel, cfg.Releases, nil
}

func hookManifest(t *testing.T, rel *release.Release, name string) string {
	t.Helper()
	for _, h := range rel.Hooks {
		if h.Name == name {
			return h.Manifest
		}
	}
	t.Fatalf("release has no hook %s", name)
	return ""
}

// filename is the annotation by which Helm 4 files each document back under
// its template.
var filename = regexp.MustCompile(`postrenderer\.helm\.sh/postrender-filename: '?hooks/templates/`)

// mutated is what add-default-securitycontext adds to every container.
const mutated = "allowPrivilegeEscalation: false"

// TestStrategies installs a chart with hooks under each of Helm 4's
// post-render strategies. combined: one run, hooks and templates in one
// stream, hooks mutated. separate: two runs (all hooks, then the other
// templates; not one per hook), hooks mutated. nohooks: one run without the
// hooks, which Helm stores as the chart rendered them (the Helm 3 gap).
func TestStrategies(t *testing.T) {
	pr, err := postrender.New(postrender.Options{Mode: "enforce", Namespace: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		strategy     action.PostRenderStrategy
		runs         int
		hooksInRun   []bool // whether each run's stream holds the hooks
		hooksMutated bool
	}{
		{action.PostRenderStrategyCombined, 1, []bool{true}, true},
		{action.PostRenderStrategySeparate, 2, []bool{true, false}, true},
		{action.PostRenderStrategyNoHooks, 1, []bool{false}, false},
	}
	for _, tt := range tests {
		t.Run(string(tt.strategy), func(t *testing.T) {
			c := &counting{pr: pr}
			rel, _, err := installHooks(t, tt.strategy, c, nil)
			if err != nil {
				t.Fatalf("install: %v", err)
			}
			if len(c.inputs) != tt.runs {
				t.Fatalf("the post-renderer ran %d times, want %d", len(c.inputs), tt.runs)
			}
			for i, in := range c.inputs {
				if got := strings.Contains(in, "helm.sh/hook"); got != tt.hooksInRun[i] {
					t.Errorf("run %d: hooks in the stream %v, want %v:\n%s", i, got, tt.hooksInRun[i], in)
				}
				if !filename.MatchString(in) {
					t.Errorf("run %d: no postrender-filename annotation in the stream:\n%s", i, in)
				}
			}
			if !strings.Contains(rel.Manifest, mutated) {
				t.Errorf("the Deployment is not mutated:\n%s", rel.Manifest)
			}
			for _, name := range []string{"demo-migrate", "demo-test-web"} {
				m := hookManifest(t, rel, name)
				if got := strings.Contains(m, mutated); got != tt.hooksMutated {
					t.Errorf("hook %s mutated %v, want %v:\n%s", name, got, tt.hooksMutated, m)
				}
				if !strings.Contains(m, `"helm.sh/hook"`) && !strings.Contains(m, "helm.sh/hook:") {
					t.Errorf("hook %s lost its helm.sh/hook annotation:\n%s", name, m)
				}
				if strings.Contains(m, "postrender-filename") {
					t.Errorf("hook %s keeps Helm's filename annotation:\n%s", name, m)
				}
			}
		})
	}
}

// TestStrategiesHookViolation: a hook that violates a policy in Enforce
// fails the install under combined and separate, and the violation names it
// as a hook with its template; nothing is stored. Under nohooks the hook is
// never shown to the post-renderer: the install succeeds with the violating
// hook as the chart rendered it.
func TestStrategiesHookViolation(t *testing.T) {
	pr, err := postrender.New(postrender.Options{Mode: "enforce", Namespace: "shop"})
	if err != nil {
		t.Fatal(err)
	}
	vals := map[string]any{"hook": map[string]any{"image": "busybox:latest"}}
	const line = " Job shop/demo-migrate (hook pre-install, source: hooks/templates/migrate.yaml): disallow-latest-tag/autogen-validate-image-tag: "
	// The hook's place in the stream Helm gives the post-renderer: after
	// the Deployment's template under combined, first under separate.
	for strategy, doc := range map[action.PostRenderStrategy]string{action.PostRenderStrategyCombined: "doc 1", action.PostRenderStrategySeparate: "doc 0"} {
		t.Run(string(strategy), func(t *testing.T) {
			rel, store, err := installHooks(t, strategy, pr, vals)
			if err == nil {
				t.Fatalf("installed a hook that violates a policy in Enforce:\n%s", rel.Hooks[0].Manifest)
			}
			var ve *postrender.ViolationError
			if !errors.As(err, &ve) {
				t.Fatalf("error is not a *ViolationError: %v", err)
			}
			if len(ve.Violations) != 1 || ve.Violations[0].Resource.Hook != "pre-install" {
				t.Errorf("want one violation of the pre-install hook, got %+v", ve.Violations)
			}
			if !strings.Contains(err.Error(), doc+line) {
				t.Errorf("the error does not name the hook as %q:\n%v", doc+line, err)
			}
			if h, _ := store.History("demo"); len(h) != 0 {
				t.Errorf("a release was stored despite the violation: %d revision(s)", len(h))
			}
		})
	}
	t.Run(string(action.PostRenderStrategyNoHooks), func(t *testing.T) {
		rel, _, err := installHooks(t, action.PostRenderStrategyNoHooks, pr, vals)
		if err != nil {
			t.Fatalf("nohooks shows the post-renderer no hook, so nothing fails: %v", err)
		}
		if m := hookManifest(t, rel, "demo-migrate"); !strings.Contains(m, "busybox:latest") || strings.Contains(m, mutated) {
			t.Errorf("under nohooks the hook must escape, unchanged:\n%s", m)
		}
	})
}
