package strategic

import (
	"errors"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/anchor"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// matchPattern checks resource value r against the value of a condition
// anchor, with Kyverno's validate-pattern rules: maps match field by field,
// a list pattern of maps must match every resource element, scalars use
// Kyverno's value syntax (see matchScalar).
//
// This is the small subset of pattern matching that mutate conditions need.
// It should converge with transform/validate/pattern once that package is
// stable; until then keep the two in step.
func (pp *preprocessor) matchPattern(r, p *yaml.Node, path *fpath) error {
	switch p.Kind {
	case yaml.MappingNode:
		if r == nil || r.Kind != yaml.MappingNode {
			return fmt.Errorf("%s: want a map, found %s", orRoot(path.String()), kindName(r))
		}
		return pp.matchMap(r, p, path)
	case yaml.SequenceNode:
		if r == nil || r.Kind != yaml.SequenceNode {
			return fmt.Errorf("%s: want a list, found %s", orRoot(path.String()), kindName(r))
		}
		return pp.matchList(r, p, path)
	case yaml.ScalarNode:
		if r != nil && r.Kind != yaml.ScalarNode {
			if p.Value == "*" && p.ShortTag() == yaml.NodeTagString {
				return nil
			}
			return fmt.Errorf("%s: want a value matching %q, found %s", orRoot(path.String()), p.Value, kindName(r))
		}
		if !matchScalar(r, p) {
			got := "nothing"
			if r != nil {
				got = fmt.Sprintf("%q", r.Value)
			}
			return fmt.Errorf("%s: %s does not match %q", orRoot(path.String()), got, p.Value)
		}
		return nil
	}
	return fmt.Errorf("%s: unsupported pattern node %s", orRoot(path.String()), kindName(p))
}

// errSkip marks a nested conditional anchor that failed: in validate
// semantics the enclosing map pattern then does not apply, which counts as a
// match.
var errSkip = errors.New("conditional anchor not met")

func (pp *preprocessor) matchMap(r, p *yaml.Node, path *fpath) error {
	err := pp.matchMapAnchors(r, p, path)
	if errors.Is(err, errSkip) {
		return nil
	}
	return err
}

func (pp *preprocessor) matchMapAnchors(r, p *yaml.Node, path *fpath) error {
	// Conditions decide whether the rest applies, so they go first.
	for i := 0; i+1 < len(p.Content); i += 2 {
		a, err := anchor.Parse(p.Content[i].Value)
		if err != nil {
			return err
		}
		if a.Type != anchor.Condition && a.Type != anchor.Global {
			continue
		}
		_, rv := yamlnode.Lookup(r, a.Key)
		if rv == nil {
			continue
		}
		if pp.matchPattern(rv, p.Content[i+1], pp.paths.field(path, a.Key)) != nil {
			return errSkip
		}
	}
	for i := 0; i+1 < len(p.Content); i += 2 {
		a, _ := anchor.Parse(p.Content[i].Value)
		pv := p.Content[i+1]
		childPath := pp.paths.field(path, a.Key)
		_, rv := yamlnode.Lookup(r, a.Key)
		switch a.Type {
		case anchor.None:
			if err := pp.matchPattern(rv, pv, childPath); err != nil {
				return err
			}
		case anchor.Equality:
			if rv != nil {
				if err := pp.matchPattern(rv, pv, childPath); err != nil {
					return err
				}
			}
		case anchor.Negation:
			if rv != nil {
				return fmt.Errorf("%s: field must not be present", childPath.String())
			}
		case anchor.Existence:
			if rv == nil {
				continue
			}
			if err := pp.matchExists(rv, pv, childPath); err != nil {
				return err
			}
		case anchor.Condition, anchor.Global, anchor.AddIfNotPresent:
		}
	}
	return nil
}

func (pp *preprocessor) matchList(r, p *yaml.Node, path *fpath) error {
	if len(p.Content) == 0 {
		return nil
	}
	if p.Content[0].Kind == yaml.MappingNode {
		for i, re := range r.Content {
			if err := pp.matchPattern(re, p.Content[0], pp.paths.at(path, i)); err != nil {
				return err
			}
		}
		return nil
	}
	if len(r.Content) < len(p.Content) {
		return fmt.Errorf("%s: want at least %d elements, found %d", orRoot(path.String()), len(p.Content), len(r.Content))
	}
	for i, pe := range p.Content {
		if err := pp.matchPattern(r.Content[i], pe, pp.paths.at(path, i)); err != nil {
			return err
		}
	}
	return nil
}

// matchExists implements ^(key): every pattern element must match at least
// one element of the resource list.
func (pp *preprocessor) matchExists(r, p *yaml.Node, path *fpath) error {
	if r.Kind != yaml.SequenceNode || p.Kind != yaml.SequenceNode {
		return fmt.Errorf("%s: existence anchor needs a list", path.String())
	}
	for _, pe := range p.Content {
		found := false
		for i, re := range r.Content {
			if pp.matchPattern(re, pe, pp.paths.at(path, i)) == nil {
				found = true
				break
			}
		}
		if !found {
			return fmt.Errorf("%s: no element matches", path.String())
		}
	}
	return nil
}
