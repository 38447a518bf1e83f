package transform

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/stream"
)

// metadataNameLabel is the label the API server gives every namespace
// (Kubernetes 1.21+), so namespaceSelectors on it work offline too.
const metadataNameLabel = "kubernetes.io/metadata.name"

// collectNamespaces indexes the labels of the Namespaces in the stream,
// after those given in Options, for namespaceSelector.
func (e *run) collectNamespaces(docs []*stream.Document) {
	e.collectCEL(docs)
	e.nsLabels = make(map[string]map[string]string, len(e.opts.NamespaceLabels))
	for k, v := range e.opts.NamespaceLabels {
		e.nsLabels[k] = v
	}
	if !e.readsNamespaces {
		return
	}
	for _, d := range docs {
		if d.Node == nil || d.Node.YNode().Kind != yaml.MappingNode {
			continue
		}
		u := &unit{doc: d, node: d.Node}
		u.identify(e.opts.Namespace)
		if u.res.Kind != "Namespace" || u.res.Group != "" || u.res.Name == "" {
			continue
		}
		if _, given := e.nsLabels[u.res.Name]; !given {
			e.nsLabels[u.res.Name] = u.res.Labels
		}
	}
}

// namespaceLabels returns the labels of namespace ns: those known, and
// kubernetes.io/metadata.name. Cluster-scoped resources have none.
func (e *run) namespaceLabels(ns string) map[string]string {
	if ns == "" || !e.readsNamespaces {
		return nil
	}
	known := e.nsLabels[ns]
	out := make(map[string]string, len(known)+1)
	for k, v := range known {
		out[k] = v
	}
	out[metadataNameLabel] = ns
	return out
}

func (e *Engine) usesNamespaceSelector() bool {
	for _, r := range e.rules {
		if r.src.Match.HasNamespaceSelector() || r.src.Exclude.HasNamespaceSelector() || r.writtenInCEL() {
			return true
		}
	}
	return false
}
