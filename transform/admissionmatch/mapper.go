package admissionmatch

import (
	"fmt"
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

// CRD is what the REST mapping reads of a CustomResourceDefinition: the
// group and kind it serves and where.
type CRD struct {
	schema.GroupKind
	Mapping
}

// NotCRDError is a document handed in as a CustomResourceDefinition that is
// not one, or one without the names the REST mapping needs.
type NotCRDError struct {
	// APIVersion, Kind and Name are the document's.
	APIVersion, Kind, Name string
	// Missing names the field the CRD lacks; "" when it is not a CRD.
	Missing string
}

func (e *NotCRDError) Error() string {
	what := strings.TrimSpace(e.APIVersion + " " + e.Kind)
	if what == "" {
		what = "a document without apiVersion and kind"
	}
	if e.Name != "" {
		what += " " + e.Name
	}
	if e.Missing != "" {
		return fmt.Sprintf("CustomResourceDefinition %s: %s is required", e.Name, e.Missing)
	}
	return what + " is not a CustomResourceDefinition (apiextensions.k8s.io)"
}

// ParseCRD reads the mapping of a CustomResourceDefinition document; any
// other document, or a CRD without spec.group, spec.names.kind or
// spec.names.plural, is a *NotCRDError.
func ParseCRD(n *yaml.RNode) (CRD, error) {
	root := n.YNode()
	apiVersion, kind := yamlnode.Scalar(yamlnode.Field(root, "apiVersion")), yamlnode.Scalar(yamlnode.Field(root, "kind"))
	name := yamlnode.Scalar(yamlnode.Field(yamlnode.Field(root, "metadata"), "name"))
	if kind != "CustomResourceDefinition" || !strings.HasPrefix(apiVersion, "apiextensions.k8s.io/") {
		return CRD{}, &NotCRDError{APIVersion: apiVersion, Kind: kind, Name: name}
	}
	spec := yamlnode.Field(root, "spec")
	names := yamlnode.Field(spec, "names")
	c := CRD{GroupKind: schema.GroupKind{
		Group: yamlnode.Scalar(yamlnode.Field(spec, "group")),
		Kind:  yamlnode.Scalar(yamlnode.Field(names, "kind")),
	}}
	c.Resource = yamlnode.Scalar(yamlnode.Field(names, "plural"))
	c.Namespaced = yamlnode.Scalar(yamlnode.Field(spec, "scope")) != "Cluster"
	for _, f := range []struct{ field, value string }{
		{"spec.group", c.Group}, {"spec.names.kind", c.Kind}, {"spec.names.plural", c.Resource},
	} {
		if f.value == "" {
			return CRD{}, &NotCRDError{APIVersion: apiVersion, Kind: kind, Name: name, Missing: f.field}
		}
	}
	return c, nil
}

// AddCRD records a CustomResourceDefinition document (apiextensions.k8s.io);
// other documents are ignored. It reports whether n was one.
func (m *Mapper) AddCRD(n *yaml.RNode) bool {
	c, err := ParseCRD(n)
	if err != nil {
		return false
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.crds == nil {
		m.crds = map[schema.GroupKind]Mapping{}
	}
	m.crds[c.GroupKind] = c.Mapping
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
