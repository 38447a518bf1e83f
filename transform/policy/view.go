package policy

import "github.com/preadmit/preadmit/transform/match"

type specView struct {
	descriptions []match.ResourceDescription
}

func view(s *match.Spec) *specView {
	v := &specView{descriptions: []match.ResourceDescription{s.Filter.Resources}}
	for _, f := range s.Any {
		v.descriptions = append(v.descriptions, f.Resources)
	}
	for _, f := range s.All {
		v.descriptions = append(v.descriptions, f.Resources)
	}
	return v
}
