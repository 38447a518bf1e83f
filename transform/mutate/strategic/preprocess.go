package strategic

import (
	"errors"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/anchor"
	"github.com/preadmit/preadmit/transform/listmerge"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// conditionError is a condition anchor that did not hold. A failed global
// anchor, or a failed condition outside an anchored list element, skips the
// whole patch; inside an anchored list element it only skips that element.
type conditionError struct {
	global bool
	path   string
	err    error
}

func (e *conditionError) Error() string {
	kind := "condition"
	if e.global {
		kind = "global condition"
	}
	return fmt.Sprintf("%s not met at %s: %s", kind, e.path, e.err)
}

func (e *conditionError) Unwrap() error { return e.err }

// asCondition returns err as a *conditionError, or nil. The walk returns
// them as they are, so the type assertion is the common case.
func asCondition(err error) *conditionError {
	if err == nil {
		return nil
	}
	if ce, ok := err.(*conditionError); ok {
		return ce
	}
	var ce *conditionError
	if errors.As(err, &ce) {
		return ce
	}
	return nil
}

// byName is the merge key expanded list elements are bound by when the
// schema names none (read-only).
var byName = []string{"name"}

// preprocessor resolves the anchors of a working copy of the patch against
// one resource, like Kyverno's strategicPreprocessing. The result is a plain
// patch plus targets: patch list elements expanded from an anchored element,
// each bound to the resource element it applies to.
type preprocessor struct {
	targets map[*yaml.Node]*yaml.Node
	paths   *pathArena
}

// mapping resolves p against r (the resource value at the same path, nil when
// absent). It never modifies p: it returns p itself when nothing changed, or
// a copy of the changed nodes sharing the unchanged ones (the compiled patch
// is shared by every resource). It reports whether p is left empty by the
// removal of anchors, in which case the caller drops it.
func (pp *preprocessor) mapping(p, r *yaml.Node, s listmerge.Schema, path *fpath) (*yaml.Node, bool, error) {
	rm := r
	if rm != nil && rm.Kind != yaml.MappingNode {
		rm = nil
	}
	// Global conditions first, so a failing one is reported as global.
	for _, global := range []bool{true, false} {
		for i := 0; i+1 < len(p.Content); i += 2 {
			a, _ := anchor.Parse(p.Content[i].Value)
			if (a.Type == anchor.Global) != global {
				continue
			}
			if err := pp.checkAnchor(a, p.Content[i+1], rm, pp.paths.field(path, a.Key)); err != nil {
				return nil, false, &conditionError{global: global, path: path.field(p.Content[i].Value).String(), err: err}
			}
		}
	}

	hadAnchors := false
	// out stays nil while every entry is p's own: most of a patch is
	// kept as it is, and is not copied for every resource.
	var out []*yaml.Node
	diverge := func(i int) {
		if out == nil {
			out = append(make([]*yaml.Node, 0, len(p.Content)), p.Content[:i]...)
		}
	}
	for i := 0; i+1 < len(p.Content); i += 2 {
		k, v := p.Content[i], p.Content[i+1]
		a, _ := anchor.Parse(k.Value)
		switch a.Type {
		case anchor.Condition, anchor.Global:
			hadAnchors = true
			// A condition's value is only checked, except "+(key)" entries
			// inside it, which add to the checked field (Kyverno handles
			// add-if-not-present anchors inside conditions).
			adds := addAnchorsOnly(v)
			if adds == nil {
				diverge(i)
				continue
			}
			k, v = renamed(k, a.Key), adds
		case anchor.Equality, anchor.Negation, anchor.Existence:
			hadAnchors = true
			diverge(i)
			continue
		case anchor.AddIfNotPresent:
			hadAnchors = true
			if fk, _ := yamlnode.Lookup(rm, a.Key); fk != nil {
				diverge(i)
				continue // the resource has the field: never override it
			}
			k = renamed(k, a.Key)
		case anchor.None:
		}
		_, rv := yamlnode.Lookup(rm, k.Value)
		childPath := pp.paths.field(path, k.Value)
		var drop bool
		var err error
		switch v.Kind {
		case yaml.MappingNode:
			v, drop, err = pp.mapping(v, rv, s.Field(k.Value), childPath)
		case yaml.SequenceNode:
			v, drop, err = pp.list(v, rv, s.Field(k.Value), childPath)
		}
		if err != nil {
			return nil, false, err
		}
		if drop {
			hadAnchors = true
			diverge(i)
			continue
		}
		if out == nil && k == p.Content[i] && v == p.Content[i+1] {
			continue
		}
		diverge(i)
		out = append(out, k, v)
	}
	if out == nil {
		return p, hadAnchors && len(p.Content) == 0, nil
	}
	return withContent(p, out), hadAnchors && len(out) == 0, nil
}

// withContent returns n when content holds the same nodes as n.Content, or
// else a shallow copy of n with content.
func withContent(n *yaml.Node, content []*yaml.Node) *yaml.Node {
	if len(content) == len(n.Content) && (content != nil) == (n.Content != nil) {
		same := true
		for i := range content {
			if content[i] != n.Content[i] {
				same = false
				break
			}
		}
		if same {
			return n
		}
	}
	c := *n
	c.Content = content
	return &c
}

// distinct returns n, or a shallow copy of it when n is the unchanged patch
// element orig: every expanded element needs its own identity, since each is
// bound to its own resource element.
func distinct(n, orig *yaml.Node) *yaml.Node {
	if n != orig {
		return n
	}
	c := *n
	c.Content = append([]*yaml.Node(nil), n.Content...)
	return &c
}

// list resolves the anchored elements of patch list p against resource list
// r. An anchored element applies to every resource element whose conditions
// hold (and whose merge keys equal the element's plain merge keys, if it has
// any); each application becomes a copy bound to that resource element.
func (pp *preprocessor) list(p, r *yaml.Node, s listmerge.Schema, path *fpath) (*yaml.Node, bool, error) {
	var resElems []*yaml.Node
	if r != nil && r.Kind == yaml.SequenceNode {
		resElems = r.Content
	}
	_, keys := s.Merge()
	if err := checkMapElements(resElems, keys, path); err != nil {
		return nil, false, err
	}
	if len(keys) == 0 {
		keys = byName // Kyverno binds expanded elements by name
	}
	es := s.Elements()

	out := make([]*yaml.Node, 0, len(p.Content))
	for i, e := range p.Content {
		if e.Kind != yaml.MappingNode || !hasAnchors(e) {
			out = append(out, e)
			continue
		}
		elemPath := pp.paths.at(path, i)
		global := hasGlobal(e)
		ids := plainKeys(e, keys)
		var lastGlobal error
		globalPassed, idMatched := false, false
		for _, re := range resElems {
			if !sameKeys(ids, re) {
				continue
			}
			idMatched = true
			ec, empty, err := pp.mapping(e, re, es, elemPath)
			if ce := asCondition(err); ce != nil {
				if ce.global {
					lastGlobal = err
				}
				continue
			}
			if err != nil {
				return nil, false, err
			}
			if global {
				globalPassed = true
				continue
			}
			if empty || len(ec.Content) == 0 {
				continue
			}
			ec = distinct(ec, e)
			pp.targets[ec] = re
			out = append(out, ec)
		}
		if !idMatched && (len(ids) > 0 || len(resElems) == 0) {
			// No resource element to bind to: the element may still be
			// added as a new one when its anchors hold on nothing.
			ec, empty, err := pp.mapping(e, nil, es, elemPath)
			switch ce := asCondition(err); {
			case ce != nil:
				if ce.global {
					lastGlobal = err
				}
			case err != nil:
				return nil, false, err
			case global:
				globalPassed = true
			case !empty && len(ec.Content) > 0:
				out = append(out, ec)
			}
		}
		if global && !globalPassed {
			if lastGlobal == nil {
				lastGlobal = &conditionError{global: true, path: elemPath.String(), err: errors.New("no list element satisfies it")}
			}
			return nil, false, lastGlobal
		}
	}
	dropped := len(p.Content) > 0 && len(out) == 0
	return withContent(p, out), dropped, nil
}

// checkAnchor evaluates one condition-like anchor on resource map rm.
func (pp *preprocessor) checkAnchor(a anchor.Anchor, pattern, rm *yaml.Node, path *fpath) error {
	_, rv := yamlnode.Lookup(rm, a.Key)
	present := rv != nil
	switch a.Type {
	case anchor.Condition, anchor.Global:
		if !present {
			return fmt.Errorf("field %q not found", a.Key)
		}
		return pp.matchPattern(rv, pattern, path)
	case anchor.Equality:
		if !present {
			return nil
		}
		return pp.matchPattern(rv, pattern, path)
	case anchor.Negation:
		if present {
			return fmt.Errorf("field %q is present", a.Key)
		}
	case anchor.None, anchor.AddIfNotPresent, anchor.Existence:
	}
	return nil
}

// addAnchorsOnly returns a map of the "+(key)" entries of v, or nil.
func addAnchorsOnly(v *yaml.Node) *yaml.Node {
	if v.Kind != yaml.MappingNode {
		return nil
	}
	var content []*yaml.Node
	for i := 0; i+1 < len(v.Content); i += 2 {
		if a, _ := anchor.Parse(v.Content[i].Value); a.Type == anchor.AddIfNotPresent {
			content = append(content, v.Content[i], v.Content[i+1])
		}
	}
	if content == nil {
		return nil
	}
	m := *v
	m.Content = content
	return &m
}

func renamed(k *yaml.Node, name string) *yaml.Node {
	c := *k
	c.Value = name
	c.Style = 0
	return &c
}

// hasAnchors reports whether any map key below n is an anchor.
func hasAnchors(n *yaml.Node) bool {
	return findAnchor(n, func(t anchor.Type) bool { return t != anchor.None })
}

// hasGlobal reports whether n holds a global anchor outside a condition.
func hasGlobal(n *yaml.Node) bool {
	return findAnchor(n, func(t anchor.Type) bool { return t == anchor.Global })
}

func findAnchor(n *yaml.Node, want func(anchor.Type) bool) bool {
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			a, err := anchor.Parse(n.Content[i].Value)
			if err == nil && want(a.Type) {
				return true
			}
			if findAnchor(n.Content[i+1], want) {
				return true
			}
		}
	case yaml.SequenceNode:
		for _, c := range n.Content {
			if findAnchor(c, want) {
				return true
			}
		}
	}
	return false
}

// plainKeys returns the scalar values that element e gives, without anchors,
// for the list's merge keys.
func plainKeys(e *yaml.Node, keys []string) map[string]string {
	ids := map[string]string{}
	for _, k := range keys {
		if _, v := yamlnode.Lookup(e, k); v != nil && v.Kind == yaml.ScalarNode && !isNull(v) {
			ids[k] = v.Value
		}
	}
	return ids
}

func sameKeys(ids map[string]string, re *yaml.Node) bool {
	for k, want := range ids {
		_, v := yamlnode.Lookup(re, k)
		if v == nil || v.Kind != yaml.ScalarNode || v.Value != want {
			return false
		}
	}
	return true
}
