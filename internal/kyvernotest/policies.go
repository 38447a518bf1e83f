package kyvernotest

import (
	"fmt"
	"os"
	"strings"

	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/stream"
)

// policySet is what a test's policy files hold: the Kyverno policies the
// engine runs, and the names of the other policy kinds (for unsupported
// rows instead of "not found").
type policySet struct {
	policies []*policy.Policy
	others   map[string]string // name (or namespace/name) -> kind
	// authz are the ValidatingPolicies in Envoy or HTTP evaluation mode,
	// in order: preadmit-authz checks them on the test's requests.
	authz []*policy.Policy
}

// loadPolicies reads the test's policy files and directories. A file with
// only ValidatingAdmissionPolicies, ValidatingPolicies and such is not an
// error: results about them are reported as unsupported.
func (r *runner) loadPolicies() error {
	set := &policySet{others: map[string]string{}}
	var paths []string
	for _, p := range r.test.Policies {
		path := resolve(r.dir, p)
		info, err := os.Stat(path)
		if err != nil {
			return &FileError{Test: r.path, File: path, Err: err}
		}
		if info.IsDir() {
			paths = append(paths, path)
			continue
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return &FileError{Test: r.path, File: path, Err: err}
		}
		docs, err := stream.Read(b, stream.DefaultLimits)
		if err != nil {
			return &FileError{Test: r.path, File: path, Err: err}
		}
		kyverno, before := false, len(set.others)
		for _, d := range docs {
			if d.Node == nil {
				continue
			}
			api, kind, name := d.Node.GetApiVersion(), d.Node.GetKind(), d.Node.GetName()
			switch {
			case policy.Applied(api, kind):
				kyverno = true
			case isPolicyAPI(api):
				set.others[name] = kind
				if ns := d.Node.GetNamespace(); ns != "" {
					set.others[ns+"/"+name] = kind
				}
			}
		}
		if kyverno {
			paths = append(paths, path)
		} else if len(set.others) == before {
			return &FileError{Test: r.path, File: path, Err: fmt.Errorf("no Kyverno ClusterPolicy or Policy in file")}
		}
	}
	if len(paths) > 0 {
		loaded, err := policy.LoadPaths(paths)
		if err != nil {
			return &FileError{Test: r.path, Err: fmt.Errorf("loading policies: %w", err)}
		}
		for _, p := range loaded.Policies {
			if _, ok := authzModes[p.Mode()]; ok {
				set.authz = append(set.authz, p)
				continue
			}
			set.policies = append(set.policies, p)
		}
		for _, d := range loaded.Others {
			set.others[d.Node.GetName()] = d.Node.GetKind()
		}
	}
	r.set = set
	return nil
}

// isPolicyAPI reports whether an apiVersion holds policy kinds preadmit
// does not run (ValidatingAdmissionPolicy, ValidatingPolicy, ...).
func isPolicyAPI(api string) bool {
	return strings.HasPrefix(api, "admissionregistration.k8s.io/") || strings.HasPrefix(api, "policies.kyverno.io/") ||
		strings.HasPrefix(api, "kyverno.io/")
}

// findAuthz returns the ValidatingPolicy in Envoy or HTTP evaluation mode
// a result names, or nil.
func (s *policySet) findAuthz(name string) *policy.Policy {
	for _, p := range s.authz {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// find returns the policy a result names: "name" for a ClusterPolicy,
// "namespace/name" (or "name") for a Policy, and its position.
func (s *policySet) find(name string) (*policy.Policy, int) {
	for i, p := range s.policies {
		if p.Name == name || (p.Namespace != "" && p.Namespace+"/"+p.Name == name) {
			return p, i
		}
	}
	return nil, -1
}

// rulesOf returns the rules of p a result's rule name stands for: the rule
// and the rules autogen derived from it, as "kyverno test" looks them up;
// no name stands for every rule (a CEL policy's: the spec and its autogen).
func rulesOf(p *policy.Policy, rule string) []*policy.Rule {
	var out []*policy.Rule
	for _, r := range p.Rules {
		if rule == "" {
			out = append(out, r)
			continue
		}
		if r.Name == rule || r.Name == "autogen-"+rule || r.Name == "autogen-cronjob-"+rule {
			out = append(out, r)
		}
	}
	return out
}

// hasMutation reports whether any of the policies has a mutate rule.
func hasMutation(ps []*policy.Policy) bool {
	for _, p := range ps {
		for _, r := range p.Rules {
			if r.RuleType() == policy.RuleMutation {
				return true
			}
		}
	}
	return false
}
