package match

import (
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
)

// ResourceDescription is Kyverno's "resources" filter.
type ResourceDescription struct {
	Kinds             []string              `json:"kinds,omitempty"`
	Name              string                `json:"name,omitempty"`
	Names             []string              `json:"names,omitempty"`
	Namespaces        []string              `json:"namespaces,omitempty"`
	Annotations       map[string]string     `json:"annotations,omitempty"`
	Selector          *metav1.LabelSelector `json:"selector,omitempty"`
	NamespaceSelector *metav1.LabelSelector `json:"namespaceSelector,omitempty"`
	Operations        []string              `json:"operations,omitempty"`
}

// Filter is one entry of an any/all list, or the legacy top-level form.
type Filter struct {
	Resources    ResourceDescription `json:"resources,omitempty"`
	Subjects     []map[string]any    `json:"subjects,omitempty"`
	Roles        []string            `json:"roles,omitempty"`
	ClusterRoles []string            `json:"clusterRoles,omitempty"`
}

// Spec is a rule's match or exclude block.
type Spec struct {
	Any []Filter `json:"any,omitempty"`
	All []Filter `json:"all,omitempty"`
	// The legacy form: filters written directly under match/exclude.
	Filter `json:",inline"`
}

// IsEmpty reports whether the block says nothing.
func (s *Spec) IsEmpty() bool {
	return s == nil || (len(s.Any) == 0 && len(s.All) == 0 && s.Filter.isEmpty())
}

func (f *Filter) isEmpty() bool {
	return f.Resources.isEmpty() && len(f.Subjects) == 0 && len(f.Roles) == 0 && len(f.ClusterRoles) == 0
}

func (r *ResourceDescription) isEmpty() bool {
	return len(r.Kinds) == 0 && r.Name == "" && len(r.Names) == 0 && len(r.Namespaces) == 0 &&
		len(r.Annotations) == 0 && r.Selector == nil && r.NamespaceSelector == nil && len(r.Operations) == 0
}

// Kinds returns every kind the block names, in order.
func (s *Spec) Kinds() []string {
	if s == nil {
		return nil
	}
	var out []string
	out = append(out, s.Filter.Resources.Kinds...)
	for _, f := range s.Any {
		out = append(out, f.Resources.Kinds...)
	}
	for _, f := range s.All {
		out = append(out, f.Resources.Kinds...)
	}
	return out
}

// HasNamespaceSelector reports whether any filter of the block selects by
// namespace labels.
func (s *Spec) HasNamespaceSelector() bool {
	if s == nil {
		return false
	}
	if s.Filter.Resources.NamespaceSelector != nil {
		return true
	}
	for _, f := range append(append([]Filter{}, s.Any...), s.All...) {
		if f.Resources.NamespaceSelector != nil {
			return true
		}
	}
	return false
}
