package stream

import (
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FromNodes makes documents of nodes parsed elsewhere, such as the items of
// a KRM ResourceList, so that the engine can work on them in place. A
// document's Source is the file kustomize or kpt recorded in the
// internal.config.kubernetes.io/path (or legacy config.kubernetes.io/path)
// annotation. Nodes are checked against limits as Read checks documents.
func FromNodes(nodes []*yaml.RNode, limits Limits) ([]*Document, error) {
	docs := make([]*Document, len(nodes))
	for i, n := range nodes {
		path, _, _ := kioutil.GetFileAnnotations(n)
		d := &Document{Index: i, Node: n, Source: path, parsed: true}
		if err := checkSize(n.YNode(), limits); err != nil {
			return nil, d.errorf("%w", err)
		}
		docs[i] = d
	}
	return docs, nil
}
