package match

import (
	"strings"

	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/preadmit/preadmit/transform/wildcard"
)

// selector is a label selector with Kyverno's extension: matchLabels keys
// and values may hold the wildcards "*" and "?" (Kyverno replaces them with
// the resource's matching label before it evaluates the selector). Plain
// entries and matchExpressions are evaluated by apimachinery.
type selector struct {
	plain labels.Selector
	// wild are the matchLabels entries with a wildcard, as key and value
	// patterns: some label of the resource must match both.
	wild [][2]string
}

func compileSelector(s *metav1.LabelSelector) (*selector, error) {
	if s == nil {
		return nil, nil
	}
	out := &selector{}
	plain := s.DeepCopy()
	for k, v := range s.MatchLabels {
		if strings.ContainsAny(k+v, "*?") {
			out.wild = append(out.wild, [2]string{k, v})
			delete(plain.MatchLabels, k)
		}
	}
	sel, err := metav1.LabelSelectorAsSelector(plain)
	if err != nil {
		return nil, err
	}
	out.plain = sel
	return out, nil
}

// Matches reports whether labels l satisfy the selector.
func (s *selector) Matches(l map[string]string) bool {
	for _, w := range s.wild {
		found := false
		for k, v := range l {
			if wildcard.Match(w[0], k) && wildcard.Match(w[1], v) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return s.plain.Matches(labels.Set(l))
}
