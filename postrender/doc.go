// Package postrender runs preadmit inside a program that embeds Helm: its
// PostRenderer implements helm.sh/helm/v3/pkg/postrender.PostRenderer (and,
// with the same method, Helm 4's pkg/postrenderer.PostRenderer), so that
// action.Install, action.Upgrade and action.Template apply Kyverno policies
// to the rendered manifests in-process, without an external binary.
//
//	pr, err := postrender.New(postrender.Options{Mode: "enforce"})
//	install := action.NewInstall(cfg)
//	install.PostRenderer = pr
//
// On a violation of a rule in Enforce, Run returns a *ViolationError that
// carries the violations and the report lines preadmit's CLI prints; a
// violation of a Helm hook names it as one ("hook pre-install").
//
// Helm 4.2's post-render strategies (action.Install.PostRenderStrategy)
// all work: under combined, the default, Run gets the hooks with the other
// templates; under separate, Run is called twice, on all the hooks and then
// on the other templates, and Results are those of the last call; under
// nohooks, Run never sees the hooks, which Helm installs unchanged. The
// policies are compiled once, in New, not per call.
//
// It is a thin adapter over package pipeline: Options is pipeline.Options,
// the one options type of every way preadmit runs, and New compiles one
// pipeline.Pipeline. It links the pipeline and Helm's PostRenderer
// interface, nothing of the Flux export, the KRM function, the
// kyverno-test runner or the CLI (TestLinksOnlyPipelineAndHelmInterface).
//
// The package only renders: it writes nothing to stdout, stderr or the
// terminal, and leaves reporting to the caller (Results, ViolationError).
package postrender
