package podsecurity

import (
	"k8s.io/pod-security-admission/policy"

	"github.com/preadmit/preadmit/transform/wildcard"
)

// applyExcludes drops the fields of a failed check that the rule's
// exclusions cover, with Kyverno's semantics:
//
//   - an exclusion applies to the check IDs of its controlName;
//   - without images it is a pod-level exclusion and covers only pod-level
//     and metadata fields;
//   - with images it covers only the fields of containers whose image
//     matches one of them ('*' and '?' wildcards);
//   - restrictedField, when set, must equal the field with list indexes
//     written [*] ("spec.containers[*].securityContext.capabilities.add");
//   - values, when set, must match (wildcards) every offending value of the
//     field; a required field that is missing has no value and is covered.
//
// The check still fails while any field is left.
func (c *Check) applyExcludes(id policy.CheckID, found []field) []field {
	if len(c.Exclude) == 0 {
		return found
	}
	kept := found
	for _, e := range c.Exclude {
		if !coversCheck(e, id) {
			continue
		}
		next := kept[:0:0]
		for _, f := range kept {
			if !covers(e, f) {
				next = append(next, f)
			}
		}
		kept = next
	}
	return kept
}

func coversCheck(e Exclude, id policy.CheckID) bool {
	ctl, ok := controlByName(e.ControlName)
	if !ok {
		return false
	}
	for _, cid := range ctl.ids {
		if cid == id {
			return true
		}
	}
	return false
}

func covers(e Exclude, f field) bool {
	if len(e.Images) == 0 {
		if f.container != nil {
			return false
		}
	} else if f.container == nil || !wildcard.Any(e.Images, f.container.image) {
		return false
	}
	if e.RestrictedField != "" && e.RestrictedField != f.wildcard {
		return false
	}
	if len(e.Values) > 0 {
		for _, v := range f.values {
			if !wildcard.Any(e.Values, v) {
				return false
			}
		}
	}
	return true
}
