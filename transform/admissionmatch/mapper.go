package admissionmatch

import (
	"strings"
	"sync"

	"k8s.io/apimachinery/pkg/api/meta"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/yamlnode"
)

// Mapping is where a kind is served: its resource (plural) name and scope.
type Mapping struct {
	Resource   string
	Namespaced bool
}

// Mapper maps kinds to resources: the built-in Kubernetes types, then the
// CustomResourceDefinitions added to it. The zero value knows the built-in
// types. It is safe for concurrent use.
type Mapper struct {
	mu   sync.RWMutex
	crds map[schema.GroupKind]Mapping
}

// AddCRD records a CustomResourceDefinition document (apiextensions.k8s.io);
// other documents are ignored. It reports whether n was one.
func (m *Mapper) AddCRD(n *yaml.RNode) bool {
	root := n.YNode()
	if yamlnode.Scalar(yamlnode.Field(root, "kind")) != "CustomResourceDefinition" ||
		!strings.HasPrefix(yamlnode.Scalar(yamlnode.Field(root, "apiVersion")), "apiextensions.k8s.io/") {
		return false
	}
	spec := yamlnode.Field(root, "spec")
	names := yamlnode.Field(spec, "names")
	gk := schema.GroupKind{
		Group: yamlnode.Scalar(yamlnode.Field(spec, "group")),
		Kind:  yamlnode.Scalar(yamlnode.Field(names, "kind")),
	}
	plural := yamlnode.Scalar(yamlnode.Field(names, "plural"))
	if gk.Kind == "" || plural == "" {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.crds == nil {
		m.crds = map[schema.GroupKind]Mapping{}
	}
	m.crds[gk] = Mapping{Resource: plural, Namespaced: yamlnode.Scalar(yamlnode.Field(spec, "scope")) != "Cluster"}
	return true
}

// Map returns the mapping of a group and kind. A kind neither built in nor
// added as a CRD is guessed as the API server's discovery would name it
// (lower-case plural), namespaced.
func (m *Mapper) Map(group, kind string) (Mapping, bool) {
	gk := schema.GroupKind{Group: group, Kind: kind}
	if mp, ok := builtin[gk]; ok {
		return mp, true
	}
	if m != nil {
		m.mu.RLock()
		mp, ok := m.crds[gk]
		m.mu.RUnlock()
		if ok {
			return mp, true
		}
	}
	plural, _ := meta.UnsafeGuessKindToResource(gk.WithVersion(""))
	return Mapping{Resource: plural.Resource, Namespaced: true}, false
}
