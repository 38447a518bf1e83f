package pipeline

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/preadmit/preadmit/policies"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/schema"
)

// inProfile decides whether a built-in policy is loaded: the PSS
// validations by the level their category names, opt-in policies only when
// enabled. Mutations and other categories are always loaded.
func inProfile(p *policy.Policy, profile Profile, enable []string) bool {
	if optIn(p.Annotations) {
		return enabled(p.Name, profile, enable)
	}
	if hasMutation(p) {
		return true
	}
	switch p.Category() {
	case "Pod Security Standards (Baseline)":
		return profile == ProfileBaseline || profile == ProfileRestricted
	case "Pod Security Standards (Restricted)":
		return profile == ProfileRestricted
	}
	return true
}

// optIn tells an opt-in built-in policy by its annotations, and enabled
// whether --enable or the profile names it: both read only what the
// library's Keep is given, so that an opt-in policy not enabled is not even
// decoded.
func optIn(annotations map[string]string) bool {
	return annotations["preadmit.io/opt-in"] == "true"
}

func enabled(name string, profile Profile, enable []string) bool {
	return slices.Contains(enable, name) || string(profile) == name
}

func hasMutation(p *policy.Policy) bool {
	for _, r := range p.Rules {
		if r.RuleType() == policy.RuleMutation {
			return true
		}
	}
	return false
}

// LoadPolicies returns, for the policy settings of o (Policies, NoBuiltin,
// Disable, Enable, Profile, Inline), the embedded library (unless NoBuiltin) followed by
// the user's policies, less the disabled ones. A user policy with the name
// of a built-in replaces it, so teams can tune a built-in by copying it.
// On policy errors it also returns the policies that did load, so that
// NewEngine can report every defect at once.
func LoadPolicies(o Options) (*policy.Set, error) {
	set := &policy.Set{}
	if o.Profile == "" {
		o.Profile = ProfileRestricted
	}
	if !o.Profile.Valid() {
		return nil, Usagef("unknown profile %q: expected restricted, baseline, none, podsecurity-baseline or podsecurity-restricted", o.Profile)
	}
	// known are the names --enable may give: the library's, whatever the
	// profile and --no-builtin, and the user's.
	known := map[string]bool{}
	if len(o.Policies) > 0 {
		// The user's files are checked against Kyverno's CRD schemas;
		// decoding the ClusterPolicy and Policy one overlaps the library's
		// load instead of following it.
		go schema.Prepare("kyverno.io/v1", "ClusterPolicy")
	}
	if !o.NoBuiltin || len(o.Enable) > 0 {
		// Only the policies this run may apply are decoded; the others'
		// names are still known.
		b, err := policies.Library(func(name string, annotations map[string]string) bool {
			return !o.NoBuiltin && (!optIn(annotations) || enabled(name, o.Profile, o.Enable))
		})
		if err != nil {
			return nil, fmt.Errorf("built-in library: %w", err)
		}
		for _, p := range b.Policies {
			known[p.Name] = true
		}
		for _, name := range b.Left {
			known[name] = true
		}
		if !o.NoBuiltin {
			for _, p := range b.Policies {
				if inProfile(p, o.Profile, o.Enable) {
					set.Policies = append(set.Policies, p)
				}
			}
			set.Others = append(set.Others, b.Others...)
		}
	}
	var loadErr error
	if len(o.Policies) > 0 || o.Inline != nil {
		u, err := userPolicies(o)
		if err != nil && !policy.IsPolicyError(err) {
			return nil, err
		}
		loadErr = err
		for _, p := range u.Policies {
			set.Policies = slices.DeleteFunc(set.Policies, func(b *policy.Policy) bool {
				return strings.HasPrefix(b.File, "embedded:") && b.Name == p.Name && b.Kind == p.Kind
			})
		}
		set.Policies = append(set.Policies, u.Policies...)
		set.Others = append(set.Others, u.Others...)
	}
	loaded := map[string]bool{}
	for _, p := range set.Policies {
		loaded[p.Name], known[p.Name] = true, true
	}
	// A name that names no policy is a typo, which would otherwise leave
	// the policy off (--enable) or on (--disable) in silence.
	for _, e := range o.Enable {
		if !known[e] {
			return nil, &policy.Error{Policy: e, Err: fmt.Errorf("--enable %s: no such policy (see 'preadmit policies')", e)}
		}
	}
	loadErr = joinPolicyErrors(loadErr, sortOthers(set, o.Disable, loaded))
	setAsideModes(set)
	for _, d := range o.Disable {
		if !loaded[d] {
			return nil, &policy.Error{Policy: d, Err: fmt.Errorf("--disable %s: no such policy (see 'preadmit policies')", d)}
		}
	}
	set.Policies = slices.DeleteFunc(set.Policies, func(p *policy.Policy) bool { return slices.Contains(o.Disable, p.Name) })
	return set, loadErr
}

// userPolicies are the policies of Policies followed by the inline ones. Two
// user policies of the same kind and name are an error, as within Paths.
// With policy errors it still returns what loaded.
func userPolicies(o Options) (*policy.Set, error) {
	u := &policy.Set{}
	var errs policy.Errors
	if len(o.Policies) > 0 {
		var err error
		if u, err = policy.LoadPaths(o.Policies); err != nil {
			var es policy.Errors
			if !errors.As(err, &es) {
				return nil, err
			}
			errs = append(errs, es...)
		}
	}
	if o.Inline == nil {
		return u, errs.AsError()
	}
	seen := map[string]string{}
	for _, p := range u.Policies {
		seen[p.Kind+"/"+p.Namespace+"/"+p.Name] = p.File
	}
	for _, p := range o.Inline.Policies {
		key := p.Kind + "/" + p.Namespace + "/" + p.Name
		if prev, ok := seen[key]; ok {
			errs = append(errs, &policy.Error{File: p.File, Policy: p.Name, Err: fmt.Errorf("%s %q is also defined in %s", p.Kind, p.Name, prev)})
			continue
		}
		seen[key] = p.File
		u.Policies = append(u.Policies, p)
	}
	u.Others = append(u.Others, o.Inline.Others...)
	return u, errs.AsError()
}

// setAsideModes moves the ValidatingPolicies that check something other
// than Kubernetes resources (spec.evaluation.mode JSON, Envoy or HTTP) to
// set.NotApplied, to be named in the report: a render has only resources
// to give them, and the cluster's admission never runs them on one.
func setAsideModes(set *policy.Set) {
	set.Policies = slices.DeleteFunc(set.Policies, func(p *policy.Policy) bool {
		m := p.Mode()
		if m == policy.EvaluationKubernetes {
			return false
		}
		set.NotApplied = append(set.NotApplied, policy.NotApplied{File: p.File, Kind: p.Kind, Name: p.Name,
			Reason: "checks " + m.Subject() + ", not Kubernetes resources; no render-time meaning"})
		return true
	})
}

// sortOthers takes the policies of kinds preadmit does not apply out of
// set.Others: one with no render-time meaning goes to set.NotApplied, to be
// named in the report; one that would decide on the render but cannot be
// applied is a policy error, unless disabled by name. Nothing handed in as
// a policy is ignored without a word. The names go into loaded, so that
// --disable accepts them.
func sortOthers(set *policy.Set, disable []string, loaded map[string]bool) error {
	var errs policy.Errors
	refused := map[string]bool{} // a binding is reported with its policy
	others := set.Others[:0]
	for _, d := range set.Others {
		kind, name, support, reason := d.Kind()
		switch support {
		case policy.SupportNotApplied:
			set.NotApplied = append(set.NotApplied, policy.NotApplied{File: d.File, Kind: kind, Name: name, Reason: reason})
		case policy.SupportRefused:
			if !slices.Contains(disable, name) && !refused[name] {
				errs = append(errs, &policy.Error{File: d.File, Policy: name,
					Err: fmt.Errorf("%s cannot be applied: %s (--disable %s leaves it out knowingly)", kind, reason, name)})
			}
			loaded[name], refused[name] = true, true
		default:
			others = append(others, d)
		}
	}
	set.Others = others
	return errs.AsError()
}
