package helmrun

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/kube"
	kubefake "helm.sh/helm/v3/pkg/kube/fake"
	"helm.sh/helm/v3/pkg/storage"
	"helm.sh/helm/v3/pkg/storage/driver"

	"github.com/preadmit/preadmit/pipeline"
	"github.com/preadmit/preadmit/transform"
)

// recordingKube stands in for the cluster: Helm's own PrintingKubeClient
// (every call succeeds, nothing is applied) that also records each manifest
// Helm builds to apply, hooks included, in order.
type recordingKube struct {
	*kubefake.PrintingKubeClient
	mu    sync.Mutex
	built []string
	// created is what PrintingKubeClient printed for Create and Update.
	created bytes.Buffer
}

func (k *recordingKube) Build(r io.Reader, validate bool) (kube.ResourceList, error) {
	b, err := io.ReadAll(r)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	k.built = append(k.built, string(b))
	k.mu.Unlock()
	return k.PrintingKubeClient.Build(bytes.NewReader(b), validate)
}

func newCluster() (*action.Configuration, *recordingKube) {
	k := &recordingKube{}
	k.PrintingKubeClient = &kubefake.PrintingKubeClient{Out: &k.created}
	mem := driver.NewMemory()
	mem.SetNamespace("shop")
	return &action.Configuration{
		Releases:     storage.Init(mem),
		KubeClient:   k,
		Capabilities: chartutil.DefaultCapabilities,
		Log:          func(string, ...interface{}) {},
	}, k
}

func demoOptions(c Command, mode transform.Mode) Options {
	return Options{
		Command: c, Release: "demo", Chart: "../../charts/demo-app", Timeout: time.Minute,
		Render: pipeline.Options{Mode: mode, Namespace: "shop", Report: pipeline.ReportOptions{Quiet: true}},
	}
}

func run(t *testing.T, o Options, cfg *action.Configuration) (string, string, error) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	err := Run(context.Background(), o, cfg, &stdout, &pipeline.Channels{Stderr: &stderr})
	return stdout.String(), stderr.String(), err
}

// TestInstallMutatesAppliedHooks installs and then upgrades demo-app
// against a stand-in cluster: the pre-install and pre-upgrade hook Job
// Helm applies, and the hook it stores in the release, are the mutated ones.
func TestInstallMutatesAppliedHooks(t *testing.T) {
	cfg, k := newCluster()
	for i, c := range []Command{Install, Upgrade} {
		k.built = nil
		stdout, stderr, err := run(t, demoOptions(c, "audit"), cfg)
		if err != nil {
			t.Fatalf("%s: %v\n%s", c, err, stderr)
		}
		if want := "STATUS: deployed\nREVISION: " + string(rune('1'+i)); !strings.Contains(stdout, want) {
			t.Errorf("%s printed no %q:\n%s", c, want, stdout)
		}
		var job string
		for _, m := range k.built {
			if strings.Contains(m, "name: demo-demo-app-migrate") {
				job = m
			}
		}
		if !strings.Contains(job, "allowPrivilegeEscalation: false") || !strings.Contains(job, "helm.sh/hook") {
			t.Errorf("%s: the hook Job Helm applied is not mutated:\n%s", c, job)
		}
		rel, err := cfg.Releases.Get("demo", i+1)
		if err != nil {
			t.Fatal(err)
		}
		if len(rel.Hooks) != 1 || !strings.Contains(rel.Hooks[0].Manifest, "allowPrivilegeEscalation: false") {
			t.Errorf("%s: the stored hook is not the mutated one: %+v", c, rel.Hooks)
		}
		if !strings.Contains(rel.Manifest, "runAsNonRoot: true") {
			t.Errorf("%s: the stored manifest is not mutated:\n%s", c, rel.Manifest)
		}
	}
}

// TestInstallEnforceTouchesNothing: a violation aborts the install before
// Helm applies a hook or a manifest, and no release is stored.
func TestInstallEnforceTouchesNothing(t *testing.T) {
	cfg, k := newCluster()
	_, stderr, err := run(t, demoOptions(Install, "enforce"), cfg)
	var ve *pipeline.ViolationError
	if !errors.As(err, &ve) || pipeline.ExitCode(err) != pipeline.ExitViolation {
		t.Fatalf("want a *pipeline.ViolationError, exit code %d, got %v", pipeline.ExitViolation, err)
	}
	if !strings.Contains(stderr, "Job shop/demo-demo-app-migrate (hook pre-install,pre-upgrade, source: demo-app/templates/hook-migration.yaml): disallow-latest-tag/") {
		t.Errorf("the hook's violation is not reported:\n%s", stderr)
	}
	for _, m := range k.built {
		if strings.Contains(m, "demo-demo-app-migrate") {
			t.Errorf("the hook was built for the cluster despite the violation:\n%s", m)
		}
	}
	if k.created.Len() > 0 {
		t.Errorf("objects were created despite the violation:\n%s", k.created.String())
	}
	if _, err := cfg.Releases.Get("demo", 1); !errors.Is(err, driver.ErrReleaseNotFound) {
		t.Errorf("a release was stored despite the violation: %v", err)
	}
}

// TestUpgradeInstall installs through upgrade --install when the release
// does not exist, as helm does.
func TestUpgradeInstall(t *testing.T) {
	cfg, _ := newCluster()
	o := demoOptions(Upgrade, "audit")
	o.UpgradeInstall = true
	if stdout, stderr, err := run(t, o, cfg); err != nil || !strings.Contains(stdout, "REVISION: 1") {
		t.Fatalf("upgrade --install of a new release: %v\n%s%s", err, stdout, stderr)
	}
}

// TestCreateNamespace checks that --create-namespace reaches Helm: the
// install creates the release namespace before the chart's resources.
func TestCreateNamespace(t *testing.T) {
	for _, create := range []bool{false, true} {
		cfg, k := newCluster()
		o := demoOptions(Install, "audit")
		o.CreateNamespace = create
		if stdout, stderr, err := run(t, o, cfg); err != nil {
			t.Fatalf("install: %v\n%s%s", err, stdout, stderr)
		}
		got := false
		for _, m := range k.built {
			got = got || strings.Contains(m, "kind: Namespace")
		}
		if got != create {
			t.Errorf("--create-namespace=%v: a Namespace built to create: %v", create, got)
		}
	}
}

// TestAtomic checks that --atomic reaches Helm: an install the cluster
// refuses is rolled back (its release uninstalled) with it, and left
// failed without it.
func TestAtomic(t *testing.T) {
	for _, atomic := range []bool{false, true} {
		cfg, _ := newCluster()
		cfg.KubeClient = &kubefake.FailingKubeClient{
			PrintingKubeClient: kubefake.PrintingKubeClient{Out: io.Discard},
			CreateError:        errors.New("the cluster refuses"),
		}
		o := demoOptions(Install, "audit")
		o.Atomic = atomic
		_, _, err := run(t, o, cfg)
		if err == nil || !strings.Contains(err.Error(), "the cluster refuses") {
			t.Fatalf("--atomic=%v: %v, want the cluster's error", atomic, err)
		}
		rels, lerr := cfg.Releases.ListReleases()
		if lerr != nil {
			t.Fatal(lerr)
		}
		if kept := len(rels) > 0; kept == atomic {
			t.Errorf("--atomic=%v: %d releases left, want rolled back only with --atomic", atomic, len(rels))
		}
	}
}
