package pattern

import (
	"sync"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Status is the outcome of matching a pattern, with the names Kyverno uses in
// policy reports (they convert directly to report.Status).
type Status string

// The statuses a match can have.
const (
	Pass Status = "pass"
	Fail Status = "fail"
	Skip Status = "skip"
)

// Result is the outcome of one pattern on one resource.
type Result struct {
	Status Status
	// Path is the field that failed, or whose condition skipped the rule,
	// e.g. `spec.containers[0].securityContext.privileged` or
	// `metadata.labels["app.kubernetes.io/name"]`. Empty on Pass.
	Path string
	// Message says what was expected and what was found, e.g.
	// `failed at path spec.replicas: expected ">=2", got 1`.
	Message string
}

// Pattern is a compiled validate.pattern. It is immutable and safe for
// concurrent use.
type Pattern struct {
	root *pnode
	// states recycles the per-call scratch so that a Match that passes
	// does not allocate.
	states sync.Pool
}

func (p *Pattern) getState() *state {
	s, ok := p.states.Get().(*state)
	if !ok {
		s = &state{}
	}
	s.path = s.buf[:0]
	s.steps = 0
	return s
}

func (p *Pattern) putState(s *state) {
	if cap(s.path) > 4*len(s.buf) {
		return // grown on an unusually deep resource: let it go
	}
	p.states.Put(s)
}

// Match checks resource against the pattern without modifying it. A nil
// resource is matched as an absent value.
func (p *Pattern) Match(resource *yaml.RNode) Result {
	var n *yaml.Node
	if resource != nil {
		n = resource.YNode()
	}
	return p.MatchNode(n)
}

// MatchNode is Match on a plain yaml.Node, for callers that hold one.
func (p *Pattern) MatchNode(resource *yaml.Node) Result {
	s := p.getState()
	defer p.putState(s)
	o := s.match(p.root, deref(resource))
	return s.result(o, "")
}

// AnyPattern is a compiled validate.anyPattern: the resource passes when
// any one pattern passes.
type AnyPattern struct {
	patterns []*Pattern
}

// CompileAny compiles each pattern of an anyPattern list. Errors name the
// index of the failing pattern, e.g. "anyPattern[1]: pattern at ...".
func CompileAny(patterns []*yaml.RNode) (*AnyPattern, error) {
	ap := &AnyPattern{patterns: make([]*Pattern, 0, len(patterns))}
	for i, pn := range patterns {
		p, err := Compile(pn)
		if err != nil {
			return nil, &AnyError{Index: i, Err: err}
		}
		ap.patterns = append(ap.patterns, p)
	}
	return ap, nil
}

// AnyError wraps the compile error of one anyPattern entry.
type AnyError struct {
	Index int
	Err   error
}

func (e *AnyError) Error() string { return "anyPattern[" + itoa(e.Index) + "]: " + e.Err.Error() }

func (e *AnyError) Unwrap() error { return e.Err }

// Match returns Pass as soon as one pattern passes. Otherwise, as in
// Kyverno, the rule fails if any pattern failed, and is skipped if every
// pattern was skipped. The failure's Path is that of the first failing
// pattern; Message lists every pattern's outcome. An empty list passes.
func (a *AnyPattern) Match(resource *yaml.RNode) Result {
	var n *yaml.Node
	if resource != nil {
		n = resource.YNode()
	}
	return a.MatchNode(n)
}

// MatchNode is Match on a plain yaml.Node.
func (a *AnyPattern) MatchNode(resource *yaml.Node) Result {
	resource = deref(resource)
	var failed, skipped []Result
	for i, p := range a.patterns {
		s := p.getState()
		o := s.match(p.root, resource)
		if o.ok() {
			p.putState(s)
			return Result{Status: Pass}
		}
		r := s.result(o, "anyPattern["+itoa(i)+"] ")
		p.putState(s)
		if r.Status == Skip {
			skipped = append(skipped, r)
		} else {
			failed = append(failed, r)
		}
	}
	switch {
	case len(failed) > 0:
		return Result{Status: Fail, Path: failed[0].Path, Message: joinMessages(failed)}
	case len(skipped) > 0:
		return Result{Status: Skip, Path: skipped[0].Path, Message: joinMessages(skipped)}
	}
	return Result{Status: Pass}
}

func joinMessages(rs []Result) string {
	out := ""
	for i, r := range rs {
		if i > 0 {
			out += "; "
		}
		out += r.Message
	}
	return out
}
