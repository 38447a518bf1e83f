package app

import (
	"fmt"
	"slices"
	"strings"

	"github.com/preadmit/preadmit/policies"
	"github.com/preadmit/preadmit/transform/policy"
)

// PolicyOptions say which policies a command runs.
type PolicyOptions struct {
	// Paths are files and directories of Kyverno policies (-p).
	Paths []string
	// NoBuiltin leaves the embedded library out.
	NoBuiltin bool
	// Disable names policies to leave out, built-in or not.
	Disable []string
}

// LoadPolicies returns the embedded library (unless NoBuiltin) followed by
// the user's policies, less the disabled ones. A user policy with the name
// of a built-in replaces it, so teams can tune a built-in by copying it.
func LoadPolicies(o PolicyOptions) (*policy.Set, error) {
	set := &policy.Set{}
	if !o.NoBuiltin {
		b, err := policy.LoadFS(policies.FS, ".", "embedded:policies")
		if err != nil {
			return nil, fmt.Errorf("built-in library: %w", err)
		}
		set.Policies = append(set.Policies, b.Policies...)
		set.Others = append(set.Others, b.Others...)
	}
	if len(o.Paths) > 0 {
		u, err := policy.LoadPaths(o.Paths)
		if err != nil {
			return nil, err
		}
		for _, p := range u.Policies {
			set.Policies = slices.DeleteFunc(set.Policies, func(b *policy.Policy) bool {
				return strings.HasPrefix(b.File, "embedded:") && b.Name == p.Name && b.Kind == p.Kind
			})
		}
		set.Policies = append(set.Policies, u.Policies...)
		set.Others = append(set.Others, u.Others...)
	}
	known := map[string]bool{}
	for _, p := range set.Policies {
		known[p.Name] = true
	}
	for _, d := range o.Disable {
		if !known[d] {
			return nil, &policy.Error{Policy: d, Err: fmt.Errorf("--disable %s: no such policy (see 'preadmit policies')", d)}
		}
	}
	set.Policies = slices.DeleteFunc(set.Policies, func(p *policy.Policy) bool { return slices.Contains(o.Disable, p.Name) })
	return set, nil
}
