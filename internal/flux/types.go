package flux

import (
	"github.com/fluxcd/pkg/apis/kustomize"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// PostRenderer is an entry of HelmRelease spec.postRenderers
// (helm.toolkit.fluxcd.io/v2).
type PostRenderer struct {
	Kustomize *Kustomize `json:"kustomize,omitempty"`
}

// Kustomize is spec.postRenderers[].kustomize: what helm-controller passes to
// kustomize as a kustomization's patches and images.
type Kustomize struct {
	Patches []kustomize.Patch `json:"patches,omitempty"`
	Images  []kustomize.Image `json:"images,omitempty"`
}

// CommonMetadata is HelmRelease spec.commonMetadata: labels and annotations
// helm-controller sets on the metadata of every resource, after the
// post-renderers.
type CommonMetadata struct {
	Labels map[string]string `json:"labels,omitempty"`
}

// Export is what a render's mutations become in a HelmRelease spec.
type Export struct {
	PostRenderers  []PostRenderer  `json:"postRenderers,omitempty"`
	CommonMetadata *CommonMetadata `json:"commonMetadata,omitempty"`
	// Gaps name the documents the post-renderers do not reproduce, each
	// with the first field that differs.
	Gaps []string `json:"-"`
	// PostRenderStrategy is spec.postRenderStrategy when the export needs
	// one (see Settle): the post-renderers must reach hooks, or must see
	// them apart from the templates.
	PostRenderStrategy Strategy `json:"postRenderStrategy,omitempty"`
	// Hooks name the Helm hooks the mutations changed: helm-controller
	// post-renders them only under a strategy that includes hooks.
	Hooks []string `json:"-"`
	// Shared name the hooks that are also templates of the chart (the same
	// apiVersion, kind, namespace and name).
	Shared []string `json:"-"`
}

// Doc is one resource of the render: as the chart produced it and as
// preadmit rendered it. Source is the Helm template, for messages.
type Doc struct {
	Before, After *yaml.RNode
	Source        string
}
