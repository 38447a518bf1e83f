package helmrun

import (
	"context"

	"helm.sh/helm/v3/pkg/release"
	"helm.sh/helm/v3/pkg/storage/driver"

	"github.com/preadmit/preadmit/pipeline"
	"github.com/preadmit/preadmit/transform"
)

// gate is where an install or upgrade against a cluster decides. Helm 3
// stores the new release (Releases.Create) after rendering and
// post-rendering and before it runs the first hook or applies anything, so
// a storage driver that runs the hook pass there sees every manifest and
// hook in time: it mutates the hooks in the release Helm is about to run
// and store, and a violation fails the Create, which aborts the release
// before the cluster is touched.
type gate struct {
	ctx       context.Context
	pipeline  *pipeline.Pipeline
	manifests *collector
	ch        *pipeline.Channels
	// res is the merged render, set once the gate has run; err is the
	// error it returned, which Helm wraps.
	res *transform.Output
	err error
}

func (g *gate) check(rel *release.Release) error {
	if g.res != nil {
		// Only the release being installed: a rollback of a failed
		// --atomic upgrade stores an old release again.
		return nil
	}
	hooks, err := renderHooks(g.ctx, g.pipeline, rel.Hooks)
	if err != nil {
		g.err = err
		return err
	}
	g.res = merge(g.manifests.out, hooks)
	g.err = g.pipeline.Conclude(g.res, g.ch)
	return g.err
}

// gateDriver runs the gate before a release is first stored.
type gateDriver struct {
	driver.Driver
	gate *gate
}

func (d *gateDriver) Create(key string, rls *release.Release) error {
	if err := d.gate.check(rls); err != nil {
		return err
	}
	return d.Driver.Create(key, rls)
}
