package match

import (
	"fmt"
	"strings"
)

// Matcher is a compiled match or exclude block.
type Matcher struct {
	any, all []*filter
	legacy   *filter
	empty    bool
}

type filter struct {
	kinds        []kindSelector
	names        []string
	namespaces   []string
	annotations  map[string]string
	selector     *selector
	nsSelector   *selector
	operations   []string
	needsSubject bool
	empty        bool
}

type kindSelector struct {
	group, version, kind string
	subresource          string
}

// Compile checks and compiles a block once, so matching a resource does no
// parsing.
func Compile(s *Spec) (*Matcher, error) {
	m := &Matcher{empty: s.IsEmpty()}
	if m.empty {
		return m, nil
	}
	for i := range s.Any {
		f, err := compileFilter(&s.Any[i])
		if err != nil {
			return nil, fmt.Errorf("any[%d]: %w", i, err)
		}
		m.any = append(m.any, f)
	}
	for i := range s.All {
		f, err := compileFilter(&s.All[i])
		if err != nil {
			return nil, fmt.Errorf("all[%d]: %w", i, err)
		}
		m.all = append(m.all, f)
	}
	if !s.Filter.isEmpty() {
		f, err := compileFilter(&s.Filter)
		if err != nil {
			return nil, err
		}
		m.legacy = f
	}
	return m, nil
}

func compileFilter(f *Filter) (*filter, error) {
	r := f.Resources
	out := &filter{
		names:        r.Names,
		namespaces:   r.Namespaces,
		annotations:  r.Annotations,
		operations:   r.Operations,
		needsSubject: len(f.Subjects) > 0 || len(f.Roles) > 0 || len(f.ClusterRoles) > 0,
		empty:        f.isEmpty(),
	}
	if r.Name != "" {
		out.names = append([]string{r.Name}, out.names...)
	}
	for _, k := range r.Kinds {
		ks, err := parseKind(k)
		if err != nil {
			return nil, err
		}
		out.kinds = append(out.kinds, ks)
	}
	var err error
	if out.selector, err = compileSelector(r.Selector); err != nil {
		return nil, fmt.Errorf("selector: %w", err)
	}
	if out.nsSelector, err = compileSelector(r.NamespaceSelector); err != nil {
		return nil, fmt.Errorf("namespaceSelector: %w", err)
	}
	return out, nil
}

// parseKind reads Kyverno's kind forms: "Kind", "version/Kind",
// "group/version/Kind", each optionally followed by "/subresource".
func parseKind(s string) (kindSelector, error) {
	if s == "" {
		return kindSelector{}, fmt.Errorf("empty kind")
	}
	parts := strings.Split(s, "/")
	switch len(parts) {
	case 1:
		return kindSelector{group: "*", version: "*", kind: parts[0]}, nil
	case 2:
		if isKindName(parts[0]) {
			return kindSelector{group: "*", version: "*", kind: parts[0], subresource: parts[1]}, nil
		}
		return kindSelector{group: "", version: parts[0], kind: parts[1]}, nil
	case 3:
		if isKindName(parts[1]) {
			return kindSelector{group: "", version: parts[0], kind: parts[1], subresource: parts[2]}, nil
		}
		return kindSelector{group: parts[0], version: parts[1], kind: parts[2]}, nil
	case 4:
		return kindSelector{group: parts[0], version: parts[1], kind: parts[2], subresource: parts[3]}, nil
	}
	return kindSelector{}, fmt.Errorf("kind %q: expected Kind, version/Kind or group/version/Kind", s)
}

// isKindName tells a Kind ("Deployment", "*") from a version ("v1").
func isKindName(s string) bool {
	return s == "*" || (s != "" && s[0] >= 'A' && s[0] <= 'Z')
}
