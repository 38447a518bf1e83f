package pattern

import (
	"github.com/preadmit/preadmit/transform/anchor"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// maxSteps bounds the work of one Match. Matching follows the pattern's
// shape, but lists of maps multiply: a resource built from aliases to long
// lists could otherwise keep a nested pattern busy for a very long time.
const maxSteps = 10_000_000

// kind is the outcome of matching one pattern element.
type kind uint8

const (
	okKind kind = iota
	failKind
	// negationKind is a failure caused by a key the pattern forbids.
	negationKind
	// skipCondKind and skipGlobalKind are anchor conditions that were not
	// met: the element, or the whole rule, does not apply.
	skipCondKind
	skipGlobalKind
)

// reason says why an element did not match; messages are built from it only
// when a Result is made, so matching itself does not allocate.
type reason uint8

const (
	reasonNone reason = iota
	reasonValue
	reasonNotMap
	reasonNotList
	reasonRequired
	reasonForbidden
	reasonCondKeyMissing
	reasonExistence
	reasonEmptyList
	reasonShortList
	reasonTooComplex
	// reasonNoneApply is a list whose every item was skipped; inner says
	// why the first one was.
	reasonNoneApply
)

// outcome is the result of one match step. On failure the state's path
// stack is left at the failing field.
type outcome struct {
	kind   kind
	reason reason
	pat    *pnode
	actual *yaml.Node
	// want is the number of elements a positional list pattern needs.
	want int
	// inner is the reason of the first skipped item, for reasonNoneApply.
	inner reason
}

func (o outcome) ok() bool { return o.kind == okKind }

func (o outcome) skipped() bool { return o.kind == skipCondKind || o.kind == skipGlobalKind }

// segment is one step of a resource path: a map key or a list index.
type segment struct {
	key   string
	index int // -1 for a key
}

// state is the per-call scratch of Match: the current path and a step
// budget. It lives on the caller's stack.
type state struct {
	path  []segment
	buf   [24]segment
	steps int
}

func (s *state) push(key string) { s.path = append(s.path, segment{key: key, index: -1}) }

func (s *state) pushIndex(i int) { s.path = append(s.path, segment{index: i}) }

func (s *state) pop() { s.path = s.path[:len(s.path)-1] }

func (s *state) match(p *pnode, res *yaml.Node) outcome {
	s.steps++
	if s.steps > maxSteps {
		return outcome{kind: failKind, reason: reasonTooComplex}
	}
	switch p.kind {
	case nodeMap:
		return s.matchMap(p, res)
	case nodeList:
		return s.matchList(p, res)
	}
	return s.matchScalar(p, res)
}

func (s *state) matchScalar(p *pnode, res *yaml.Node) outcome {
	if res != nil && res.Kind == yaml.SequenceNode {
		// A scalar pattern against a list checks every element.
		for i, e := range res.Content {
			if e = deref(e); !p.value.MatchNode(e) {
				s.pushIndex(i)
				return outcome{kind: failKind, reason: reasonValue, pat: p, actual: e}
			}
		}
		return outcome{}
	}
	if !p.value.MatchNode(res) {
		return outcome{kind: failKind, reason: reasonValue, pat: p, actual: res}
	}
	return outcome{}
}

func (s *state) matchMap(p *pnode, res *yaml.Node) outcome {
	if res == nil || res.Kind != yaml.MappingNode {
		return outcome{kind: failKind, reason: reasonNotMap, pat: p, actual: res}
	}
	for i := range p.fields {
		f := &p.fields[i]
		key := f.key
		if f.wildcard {
			if k, ok := firstKeyMatching(res, key); ok {
				key = k
			}
		}
		v, present := lookup(res, key)
		switch f.anchor {
		case anchor.None:
			s.push(key)
			if f.val.kind == nodeScalar && f.val.value.IsWildcard() {
				if !present || kindOf(v) == kindNull {
					return outcome{kind: failKind, reason: reasonRequired, pat: f.val, actual: v}
				}
			} else if o := s.match(f.val, v); !o.ok() {
				return o
			}
			s.pop()
		case anchor.Condition:
			s.push(key)
			if !present {
				return outcome{kind: skipCondKind, reason: reasonCondKeyMissing, pat: f.val}
			}
			if o := s.match(f.val, v); !o.ok() {
				if o.reason != reasonTooComplex {
					o.kind = skipCondKind
				}
				return o
			}
			s.pop()
		case anchor.Global:
			if !present {
				continue
			}
			s.push(key)
			if o := s.match(f.val, v); !o.ok() {
				if o.kind != skipCondKind && o.reason != reasonTooComplex {
					o.kind = skipGlobalKind
				}
				return o
			}
			s.pop()
		case anchor.Equality:
			if !present {
				continue
			}
			s.push(key)
			if o := s.match(f.val, v); !o.ok() {
				return o
			}
			s.pop()
		case anchor.Negation:
			if present {
				s.push(key)
				return outcome{kind: negationKind, reason: reasonForbidden, pat: f.val, actual: v}
			}
		case anchor.Existence:
			if !present {
				continue
			}
			s.push(key)
			if o := s.matchExistence(f.val, v); !o.ok() {
				return o
			}
			s.pop()
		}
	}
	return outcome{}
}

// matchExistence needs every element of the pattern list to match at least
// one element of the resource list.
func (s *state) matchExistence(p *pnode, res *yaml.Node) outcome {
	if res == nil || res.Kind != yaml.SequenceNode {
		return outcome{kind: failKind, reason: reasonNotList, pat: p, actual: res}
	}
	depth := len(s.path)
	for _, pe := range p.elems {
		found := false
		for i, e := range res.Content {
			s.pushIndex(i)
			o := s.match(pe, deref(e))
			s.path = s.path[:depth]
			if o.reason == reasonTooComplex {
				return o
			}
			if o.ok() {
				found = true
				break
			}
		}
		if !found {
			return outcome{kind: failKind, reason: reasonExistence, pat: pe, actual: res}
		}
	}
	return outcome{}
}

func (s *state) matchList(p *pnode, res *yaml.Node) outcome {
	if len(p.elems) == 0 {
		return outcome{kind: failKind, reason: reasonEmptyList, pat: p, actual: res}
	}
	if res == nil || res.Kind != yaml.SequenceNode {
		return outcome{kind: failKind, reason: reasonNotList, pat: p, actual: res}
	}
	first := p.elems[0]
	switch first.kind {
	case nodeScalar:
		// Only the first element counts; it must match every item.
		return s.matchScalar(first, res)
	case nodeMap:
		// The first element is checked against every item; items whose
		// conditions are not met are skipped.
		return s.matchEach(res, func(int) *pnode { return first }, len(res.Content))
	}
	// A list of lists is compared position by position.
	if len(res.Content) < len(p.elems) {
		return outcome{kind: failKind, reason: reasonShortList, pat: p, actual: res, want: len(p.elems)}
	}
	return s.matchEach(res, func(i int) *pnode { return p.elems[i] }, len(p.elems))
}

// matchEach matches the first n items of res, each with the pattern elem(i).
// Skipped items are ignored unless every item was skipped, in which case the
// list itself is skipped, like Kyverno's validateArrayOfMaps.
func (s *state) matchEach(res *yaml.Node, elem func(int) *pnode, n int) outcome {
	depth := len(s.path)
	applied := 0
	var firstSkip outcome
	for i := 0; i < n; i++ {
		s.pushIndex(i)
		o := s.match(elem(i), deref(res.Content[i]))
		switch {
		case o.ok():
			applied++
		case o.skipped():
			if firstSkip.ok() {
				firstSkip = o
			}
		default:
			return o
		}
		s.path = s.path[:depth]
	}
	if applied == 0 && !firstSkip.ok() {
		if firstSkip.reason != reasonNoneApply {
			firstSkip.inner, firstSkip.reason = firstSkip.reason, reasonNoneApply
		}
		return firstSkip
	}
	return outcome{}
}
