package transform

import (
	"errors"
	"fmt"

	"github.com/preadmit/preadmit/transform/mutate/jsonpatch"
	"github.com/preadmit/preadmit/transform/mutate/strategic"
	"github.com/preadmit/preadmit/transform/policy"
)

// compileMutation turns a rule's mutate block into the mechanisms it names,
// applied in Kyverno's order: patchStrategicMerge, then patchesJson6902.
func compileMutation(r *policy.Rule) (mutation, error) {
	var steps mutations
	if r.Field("mutate", "foreach") != nil {
		return nil, unsupported("mutate.foreach is not supported yet")
	}
	if r.Field("mutate", "targets") != nil {
		return nil, unsupported("mutate.targets changes other resources in the cluster and is not applied at render time")
	}
	if n := r.Field("mutate", "patchStrategicMerge"); n != nil {
		if hasVariables(n) {
			return nil, unsupported("variables in patchStrategicMerge are not supported yet")
		}
		p, err := strategic.Compile(n)
		if err != nil {
			return nil, fmt.Errorf("mutate.patchStrategicMerge: %w", err)
		}
		steps = append(steps, strategicStep{p})
	}
	if n := r.Field("mutate", "patchesJson6902"); n != nil {
		if hasVariables(n) {
			return nil, unsupported("variables in patchesJson6902 are not supported yet")
		}
		p, err := jsonpatch.Compile(n.YNode().Value)
		if err != nil {
			return nil, fmt.Errorf("mutate.patchesJson6902: %w", err)
		}
		steps = append(steps, jsonStep{p})
	}
	if len(steps) == 0 {
		return nil, errors.New("mutate: no patchStrategicMerge, patchesJson6902 or foreach")
	}
	return steps, nil
}

type mutations []mutation

func (ms mutations) apply(u *unit) (bool, error) {
	any := false
	for _, m := range ms {
		ok, err := m.apply(u)
		if err != nil {
			return any, err
		}
		any = any || ok
	}
	return any, nil
}

type strategicStep struct{ p *strategic.Patch }

func (s strategicStep) apply(u *unit) (bool, error) {
	st, err := s.p.Apply(u.node)
	if err != nil {
		return false, err
	}
	return st == strategic.Applied, nil
}

type jsonStep struct{ p *jsonpatch.Patch }

func (s jsonStep) apply(u *unit) (bool, error) {
	if err := s.p.Apply(u.node); err != nil {
		return false, err
	}
	return true, nil
}
