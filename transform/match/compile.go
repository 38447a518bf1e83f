package match

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// Matcher is a compiled match or exclude block.
type Matcher struct {
	any, all []*filter
	legacy   *filter
	empty    bool
}

type filter struct {
	kinds       []kindSelector
	names       []string
	namespaces  []string
	annotations map[string]string
	selector    *selector
	nsSelector  *selector
	operations  []string
	// users are the filter's roles, clusterRoles and subjects;
	// resourceEmpty is set when it says nothing about the resource.
	users         users
	resourceEmpty bool
	empty         bool
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
		names:         r.Names,
		namespaces:    r.Namespaces,
		annotations:   r.Annotations,
		operations:    r.Operations,
		resourceEmpty: f.Resources.isEmpty(),
		empty:         f.isEmpty(),
	}
	var err error
	if out.users, err = compileUsers(f); err != nil {
		return nil, err
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
	if out.selector, err = compileSelector(r.Selector); err != nil {
		return nil, fmt.Errorf("selector: %w", err)
	}
	if out.nsSelector, err = compileSelector(r.NamespaceSelector); err != nil {
		return nil, fmt.Errorf("namespaceSelector: %w", err)
	}
	return out, nil
}

// parseKind reads a kind selector as Kyverno's ParseKindSelector
// (pkg/utils/kube/kind.go) does: the last part may carry a subresource
// after a dot ("Pod.status"); "Kind", "version/Kind", "*/Kind",
// "Kind/subresource", "*/subresource", "*/*", "version/Kind/subresource",
// "group/version/Kind" and "group/version/Kind/subresource". Only a part
// that looks like a version (v1, v2beta1, *) is read as one: "apps/Deployment"
// is the subresource Deployment of the kind apps, which matches nothing, as
// in Kyverno.
func parseKind(s string) (kindSelector, error) {
	if s == "" {
		return kindSelector{}, fmt.Errorf("empty kind")
	}
	parts := strings.Split(s, "/")
	last := parts[len(parts)-1]
	parts = append(parts[:len(parts)-1], strings.Split(last, ".")...)
	switch len(parts) {
	case 1:
		return kindSelector{group: "*", version: "*", kind: parts[0]}, nil
	case 2:
		switch {
		case parts[0] == "*" && parts[1] == "*":
			return kindSelector{group: "*", version: "*", kind: "*", subresource: "*"}, nil
		case parts[0] == "*" && strings.ToLower(parts[1]) == parts[1]:
			return kindSelector{group: "*", version: "*", kind: "*", subresource: parts[1]}, nil
		case isVersion(parts[0]):
			return kindSelector{group: "*", version: parts[0], kind: parts[1]}, nil
		}
		return kindSelector{group: "*", version: "*", kind: parts[0], subresource: parts[1]}, nil
	case 3:
		if isVersion(parts[0]) {
			return kindSelector{group: "*", version: parts[0], kind: parts[1], subresource: parts[2]}, nil
		}
		return kindSelector{group: parts[0], version: parts[1], kind: parts[2]}, nil
	case 4:
		return kindSelector{group: parts[0], version: parts[1], kind: parts[2], subresource: parts[3]}, nil
	}
	return kindSelector{}, fmt.Errorf("kind %q: expected Kind, version/Kind or group/version/Kind", s)
}

// versionPattern is Kyverno's test for the version part of a kind
// selector.
var versionPattern = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^(v\d((alpha|beta)\d)?|\*)$`) })

func isVersion(s string) bool { return versionPattern().MatchString(s) }

// ContainsKind is Kyverno's kubeutils.ContainsKind, which autogen uses:
// whether a kind list names kind, in any of its forms ("Pod", "v1/Pod",
// "*/Pod", "Pod/status"), the group and version ignored.
func ContainsKind(list []string, kind string) bool {
	for _, s := range list {
		if kindOfSelector(s) == kind {
			return true
		}
	}
	return false
}

// kindOfSelector is the kind part of a selector as Kyverno's
// GetKindFromGVK and SplitSubresource read it.
func kindOfSelector(s string) string {
	parts := strings.Split(s, "/")
	var k string
	switch len(parts) {
	case 1:
		k = strings.Replace(s, ".", "/", 1)
	case 2:
		switch {
		case parts[0] == "*" && parts[1] == "*":
			k = s
		case isVersion(parts[0]):
			k = strings.Replace(parts[1], ".", "/", 1)
		default:
			k = s
		}
	case 3:
		if isVersion(parts[0]) {
			k = parts[1] + "/" + parts[2]
		} else {
			k = strings.Replace(parts[2], ".", "/", 1)
		}
	case 4:
		k = parts[2] + "/" + parts[3]
	}
	if kind, _, ok := strings.Cut(k, "/"); ok && strings.Count(k, "/") == 1 {
		return kind
	}
	return k
}
