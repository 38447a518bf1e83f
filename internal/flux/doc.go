// Package flux turns what preadmit's mutations did to a rendered chart into
// Flux HelmRelease post-renderers, for clusters where helm-controller renders
// the chart and no exec plugin can run.
//
// Derive compares each document before and after the engine and expresses
// the changes in the fields helm-controller's v2 API reads:
// spec.postRenderers[].kustomize.images (one entry per image name, Flux has
// no prefix form), spec.postRenderers[].kustomize.patches (strategic merge,
// one per changed resource, targeted by kind, name and namespace) and
// spec.commonMetadata.labels (labels every resource ends up with). It then
// applies the result with kustomize's own Go API, as helm-controller does,
// and reports every document the post-renderers would not reproduce.
//
// PostRenderers is "preadmit flux postrenderers", an adapter over package
// pipeline, which loads and runs the policies; the rest of the package
// knows no policy: the defaults come from the diff, never from Go code.
// Only cmd/preadmit may import it (the public postrender package must not
// link Flux).
package flux
