package match

import (
	"github.com/preadmit/preadmit/transform/wildcard"
)

// Operation is the admission operation assumed offline.
const Operation = "CREATE"

// Matches reports whether the block selects the resource, as a match block.
// An empty block selects nothing.
func (m *Matcher) Matches(r *Resource) bool {
	if m == nil || m.empty {
		return false
	}
	return m.eval(r, true)
}

// Excludes reports whether the block excludes the resource, as an exclude
// block. An empty block excludes nothing.
func (m *Matcher) Excludes(r *Resource) bool {
	if m == nil || m.empty {
		return false
	}
	return m.eval(r, false)
}

// eval evaluates the block as a match block (match) or an exclude block.
func (m *Matcher) eval(r *Resource, match bool) bool {
	if len(m.any) > 0 {
		ok := false
		for _, f := range m.any {
			if f.matches(r, match) {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	for _, f := range m.all {
		if !f.matches(r, match) {
			return false
		}
	}
	if m.legacy != nil && !m.legacy.matches(r, match) {
		return false
	}
	return true
}

// MatchesKind reports whether the block could select some resource of the
// given kind; the engine uses it to index rules by kind.
func (m *Matcher) MatchesKind(group, version, kind string) bool {
	if m == nil || m.empty {
		return false
	}
	check := func(f *filter) bool { return len(f.kinds) == 0 || f.kindMatches(group, version, kind, "*") }
	if len(m.any) > 0 {
		ok := false
		for _, f := range m.any {
			if check(f) {
				ok = true
			}
		}
		if !ok {
			return false
		}
	}
	for _, f := range m.all {
		if !check(f) {
			return false
		}
	}
	return m.legacy == nil || check(m.legacy)
}

// matches evaluates one filter. Without request info (r.User nil, a
// render) a filter that needs a user selects nothing. With it, as Kyverno:
// empty request info makes a match filter's user part unchecked (a filter
// that then says nothing selects nothing); otherwise, and always in an
// exclude filter, roles, clusterRoles and subjects are checked.
func (f *filter) matches(r *Resource, match bool) bool {
	if f.empty {
		return false
	}
	if !f.users.isEmpty() {
		switch {
		case r.User == nil:
			return false
		case match && r.User.IsEmpty():
			if f.resourceEmpty {
				return false
			}
		case !f.users.matches(r.User):
			return false
		}
	}
	if len(f.kinds) > 0 && !f.kindMatches(r.Group, r.Version, r.Kind, r.Subresource) {
		return false
	}
	if len(f.names) > 0 && !wildcard.Any(f.names, r.Name) {
		return false
	}
	if len(f.namespaces) > 0 {
		ns := r.Namespace
		if r.Kind == "Namespace" && r.Group == "" {
			ns = r.Name
		}
		if !wildcard.Any(f.namespaces, ns) {
			return false
		}
	}
	for k, v := range f.annotations {
		if !mapHas(r.Annotations, k, v) {
			return false
		}
	}
	if f.selector != nil && !f.selector.Matches(r.Labels) {
		return false
	}
	if f.nsSelector != nil && (r.NamespaceLabels == nil || !f.nsSelector.Matches(r.NamespaceLabels)) {
		return false
	}
	if len(f.operations) > 0 && !contains(f.operations, r.operation()) {
		return false
	}
	return true
}

// kindMatches compares a kind and subresource with the selectors as
// Kyverno's CheckKind does: a selector's subresource part must match the
// request's ("" for the resource itself: none, or "*"). A subresource "*"
// stands for any, selectors' included (the index of MatchesKind).
func (f *filter) kindMatches(group, version, kind, subresource string) bool {
	for _, k := range f.kinds {
		if wildcard.Match(k.group, group) && wildcard.Match(k.version, version) &&
			wildcard.Match(k.kind, kind) && (subresource == "*" || wildcard.Match(k.subresource, subresource)) {
			return true
		}
	}
	return false
}

// mapHas matches a key and value, both with wildcards, against a map.
func mapHas(m map[string]string, key, value string) bool {
	if !wildcard.Contains(key) {
		v, ok := m[key]
		return ok && wildcard.Match(value, v)
	}
	for k, v := range m {
		if wildcard.Match(key, k) && wildcard.Match(value, v) {
			return true
		}
	}
	return false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (r *Resource) operation() string {
	if r.Operation == "" {
		return Operation
	}
	return r.Operation
}
