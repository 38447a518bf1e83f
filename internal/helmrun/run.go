package helmrun

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"helm.sh/helm/v3/pkg/action"
	"helm.sh/helm/v3/pkg/chart"
	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/cli"
	"helm.sh/helm/v3/pkg/cli/values"
	"helm.sh/helm/v3/pkg/getter"
	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage/driver"

	"github.com/preadmit/preadmit/pipeline"
)

// Run runs one wrapper. cfg is Helm's configuration for a release against a
// cluster; nil means from the environment as helm does (KUBECONFIG,
// HELM_DRIVER, ...). A client-side render ignores cfg. Manifests go to
// stdout; reports to ch.
func Run(ctx context.Context, o Options, cfg *action.Configuration, stdout io.Writer, ch *pipeline.Channels) error {
	if o.Render.Namespace == "" {
		o.Render.Namespace = "default"
	}
	p, err := pipeline.New(o.Render)
	if err != nil {
		return err
	}
	settings := cli.New()
	settings.SetNamespace(o.Render.Namespace)
	chrt, vals, err := loadChart(o, settings)
	if err != nil {
		return err
	}
	pr := &collector{ctx: ctx, pipeline: p}
	if o.clientOnly() {
		return renderClientSide(ctx, o, p, pr, chrt, vals, stdout, ch)
	}
	if cfg == nil {
		cfg = new(action.Configuration)
		if err := cfg.Init(settings.RESTClientGetter(), o.Render.Namespace, os.Getenv("HELM_DRIVER"), func(string, ...interface{}) {}); err != nil {
			return fmt.Errorf("helm: %w", err)
		}
	}
	g := &gate{ctx: ctx, pipeline: p, manifests: pr, ch: ch}
	cfg.Releases.Driver = &gateDriver{Driver: cfg.Releases.Driver, gate: g}
	rel, err := runRelease(ctx, o, cfg, pr, chrt, vals)
	if err != nil {
		return helmError(o.Command, err, pr.err, g.err)
	}
	printRelease(stdout, rel)
	if g.res != nil {
		p.Succeed(g.res, ch)
	}
	return nil
}

// renderClientSide is "helm template", and "install|upgrade --dry-run"
// without a cluster: render, apply the policies to manifests and hooks,
// decide, then print the stream as "helm template" does.
func renderClientSide(ctx context.Context, o Options, p *pipeline.Pipeline, pr *collector, chrt *chart.Chart, vals map[string]interface{}, stdout io.Writer, ch *pipeline.Channels) error {
	install := action.NewInstall(&action.Configuration{Log: func(string, ...interface{}) {}})
	install.ReleaseName = o.Release
	install.Namespace = o.Render.Namespace
	install.ClientOnly, install.DryRun, install.Replace = true, true, true
	install.IsUpgrade = o.Command == Upgrade
	install.PostRenderer = pr
	if o.KubeVersion != "" {
		kv, err := chartutil.ParseKubeVersion(o.KubeVersion)
		if err != nil {
			return pipeline.Usagef("--kube-version: %w", err)
		}
		install.KubeVersion = kv
	}
	rel, err := install.RunWithContext(ctx, chrt, vals)
	if err != nil {
		return helmError(o.Command, err, pr.err)
	}
	hooks, err := renderHooks(ctx, p, rel.Hooks)
	if err != nil {
		return err
	}
	res := merge(pr.out, hooks)
	if err := p.Conclude(res, ch); err != nil {
		return err
	}
	var b strings.Builder
	b.WriteString(strings.TrimSpace(rel.Manifest) + "\n")
	for _, h := range rel.Hooks {
		fmt.Fprintf(&b, "---\n# Source: %s\n%s\n", h.Path, h.Manifest)
	}
	if _, err := io.WriteString(stdout, b.String()); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	p.Succeed(res, ch)
	return nil
}

// runRelease installs or upgrades against the cluster; upgrade --install
// installs when the release has no history, as helm does.
func runRelease(ctx context.Context, o Options, cfg *action.Configuration, pr *collector, chrt *chart.Chart, vals map[string]interface{}) (*release.Release, error) {
	install := o.Command == Install
	if o.Command == Upgrade && o.UpgradeInstall {
		hist := action.NewHistory(cfg)
		hist.Max = 1
		if _, err := hist.Run(o.Release); errors.Is(err, driver.ErrReleaseNotFound) {
			install = true
		}
	}
	if install {
		in := action.NewInstall(cfg)
		in.ReleaseName, in.Namespace = o.Release, o.Render.Namespace
		in.Timeout, in.Wait = o.Timeout, o.Wait || o.Atomic
		in.CreateNamespace, in.Atomic = o.CreateNamespace, o.Atomic
		in.PostRenderer = pr
		return in.RunWithContext(ctx, chrt, vals)
	}
	up := action.NewUpgrade(cfg)
	up.Namespace = o.Render.Namespace
	up.Timeout, up.Wait = o.Timeout, o.Wait || o.Atomic
	up.Atomic = o.Atomic
	up.PostRenderer = pr
	return up.RunWithContext(ctx, o.Release, chrt, vals)
}

// loadChart finds the chart (a directory, an archive, or a repository or
// OCI reference as helm resolves it) and merges the values.
func loadChart(o Options, settings *cli.EnvSettings) (*chart.Chart, map[string]interface{}, error) {
	var cpo action.ChartPathOptions
	cpo.Version = o.Version
	path, err := cpo.LocateChart(o.Chart, settings)
	if err != nil {
		return nil, nil, fmt.Errorf("chart %s: %w", o.Chart, err)
	}
	chrt, err := loader.Load(path)
	if err != nil {
		return nil, nil, fmt.Errorf("chart %s: %w", o.Chart, err)
	}
	vo := values.Options{ValueFiles: o.ValueFiles, Values: o.Values, StringValues: o.StringValues}
	vals, err := vo.MergeValues(getter.All(settings))
	if err != nil {
		return nil, nil, fmt.Errorf("values: %w", err)
	}
	return chrt, vals, nil
}

// helmError keeps preadmit's own errors, which Helm wraps (own: a
// violation found at the gate, an input or policy error in the
// post-renderer), as they are, and names every other error as Helm's.
func helmError(c Command, err error, own ...error) error {
	for _, e := range own {
		if e != nil && errors.Is(err, e) {
			return e
		}
	}
	return fmt.Errorf("helm %s: %w", c, err)
}

func printRelease(w io.Writer, rel *release.Release) {
	fmt.Fprintf(w, "NAME: %s\nNAMESPACE: %s\nSTATUS: %s\nREVISION: %d\n", rel.Name, rel.Namespace, rel.Info.Status, rel.Version)
	if notes := strings.TrimSpace(rel.Info.Notes); notes != "" {
		fmt.Fprintf(w, "NOTES:\n%s\n", notes)
	}
}
