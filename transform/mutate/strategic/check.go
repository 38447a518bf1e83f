package strategic

import (
	"errors"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/anchor"
)

const directiveKey = "$patch"

// checkPatch validates the anchors of a patch once, at Compile time. Inside a
// condition's value the validate-pattern rules apply, so every anchor is
// allowed there; elsewhere existence anchors have no meaning.
func checkPatch(n *yaml.Node, path *fpath, inCondition bool) error {
	switch n.Kind {
	case yaml.AliasNode:
		return &PatchError{Path: orRoot(path.String()), Err: errAlias}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if err := checkPatch(c, path.at(i), inCondition); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		seen := map[string]string{}
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i], n.Content[i+1]
			if k.Kind != yaml.ScalarNode {
				return &PatchError{Path: orRoot(path.String()), Err: errors.New("map keys must be strings")}
			}
			p := path.field(k.Value)
			a, err := anchor.Parse(k.Value)
			if err != nil {
				return &PatchError{Path: p.String(), Err: err}
			}
			cond := inCondition
			switch a.Type {
			case anchor.Existence:
				if !inCondition {
					return &PatchError{Path: p.String(), Err: errors.New("existence anchor ^(key) is only allowed inside a condition in a mutate patch")}
				}
				cond = true
			case anchor.Condition, anchor.Global, anchor.Equality, anchor.Negation:
				cond = true
			case anchor.None, anchor.AddIfNotPresent:
				if !inCondition {
					if prev, ok := seen[a.Key]; ok {
						return &PatchError{Path: p.String(), Err: fmt.Errorf("field %q is set twice (also as %q)", a.Key, prev)}
					}
					seen[a.Key] = k.Value
				}
			}
			if k.Value == directiveKey && !inCondition {
				if err := checkDirective(v); err != nil {
					return &PatchError{Path: p.String(), Err: err}
				}
			}
			if err := checkPatch(v, p, cond); err != nil {
				return err
			}
		}
	}
	return nil
}

func checkDirective(v *yaml.Node) error {
	if v.Kind == yaml.ScalarNode {
		switch v.Value {
		case "merge", "replace", "delete":
			return nil
		}
	}
	return fmt.Errorf("unknown $patch directive %q: want merge, replace or delete", v.Value)
}
