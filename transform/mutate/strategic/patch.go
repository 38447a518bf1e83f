package strategic

import (
	"errors"
	"fmt"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Outcome says whether a patch changed the resource or was skipped.
type Outcome int

// The outcomes of Apply.
const (
	// Applied means every condition held and the patch was merged. The
	// resource may still be unchanged when it already matched the patch.
	Applied Outcome = iota + 1
	// Skipped means a condition anchor did not hold; the resource is untouched.
	Skipped
)

func (o Outcome) String() string {
	switch o {
	case Applied:
		return "applied"
	case Skipped:
		return "skipped"
	}
	return fmt.Sprintf("outcome(%d)", int(o))
}

// Status is the result of one Apply.
type Status struct {
	Outcome Outcome
	// Changed reports whether the merge edited the resource; an Applied
	// patch the resource already satisfied leaves it false.
	Changed bool
	// Reason tells, for a skip, which condition failed and where.
	Reason string
}

// Patch is a compiled patchStrategicMerge. It is safe for concurrent use:
// Apply never modifies it.
type Patch struct {
	root *yaml.Node
}

// PatchError reports a patch that cannot be used: a malformed or misplaced
// anchor, an alias, or a root that is not a map. Path names the field.
type PatchError struct {
	Path string
	Err  error
}

func (e *PatchError) Error() string {
	if e.Path == "" {
		return "patchStrategicMerge: " + e.Err.Error()
	}
	return fmt.Sprintf("patchStrategicMerge at %s: %s", e.Path, e.Err)
}

func (e *PatchError) Unwrap() error { return e.Err }

// MergeError reports a resource the patch cannot be merged into, such as a
// map in the patch where the resource has a list. Path names the field.
type MergeError struct {
	Path string
	Err  error
}

func (e *MergeError) Error() string {
	return fmt.Sprintf("merge at %s: %s", e.Path, e.Err)
}

func (e *MergeError) Unwrap() error { return e.Err }

var (
	errNotMap      = errors.New("the patch must be a map")
	errAlias       = errors.New("YAML aliases are not supported")
	errNilResource = errors.New("resource is nil")
)

// Compile checks a patchStrategicMerge and returns it ready to apply. The
// patch is copied; later changes to the argument do not affect the Patch.
func Compile(patch *yaml.RNode) (*Patch, error) {
	p, err := CompileOwned(patch)
	if err != nil {
		return nil, err
	}
	p.root = copyNode(p.root)
	return p, nil
}

// CompileOwned is Compile without the copy, for a patch nobody else holds,
// such as one just substituted from a template per resource: the Patch
// keeps the argument's nodes, so the caller must not change them later.
func CompileOwned(patch *yaml.RNode) (*Patch, error) {
	if patch == nil || patch.YNode() == nil {
		return nil, &PatchError{Err: errNotMap}
	}
	root := patch.YNode()
	if root.Kind == yaml.DocumentNode {
		if len(root.Content) != 1 {
			return nil, &PatchError{Err: errNotMap}
		}
		root = root.Content[0]
	}
	if root.Kind != yaml.MappingNode {
		return nil, &PatchError{Err: errNotMap}
	}
	if err := checkPatch(root, nil, false); err != nil {
		return nil, err
	}
	return &Patch{root: root}, nil
}

// Apply resolves the patch's anchors against resource and merges it into
// resource in place: the root node keeps its identity. When a condition does
// not hold, Apply returns Skipped and leaves resource unchanged.
func (p *Patch) Apply(resource *yaml.RNode) (Status, error) {
	if resource == nil || resource.YNode() == nil {
		return Status{}, &MergeError{Path: "$", Err: errNilResource}
	}
	dest := resource.YNode()
	if dest.Kind == yaml.DocumentNode {
		if len(dest.Content) != 1 {
			return Status{}, &MergeError{Path: "$", Err: errors.New("empty document")}
		}
		dest = dest.Content[0]
	}
	if dest.Kind != yaml.MappingNode {
		return Status{}, &MergeError{Path: "$", Err: fmt.Errorf("resource is a %s, not a map", kindName(dest))}
	}
	if err := checkNoAlias(dest, nil); err != nil {
		return Status{}, err
	}
	schema := schemaFor(dest)

	paths := newPathArena()
	defer paths.release()
	pre := &preprocessor{targets: map[*yaml.Node]*yaml.Node{}, paths: paths}
	work, _, err := pre.mapping(p.root, dest, schema, nil)
	if err != nil {
		if ce := asCondition(err); ce != nil {
			return Status{Outcome: Skipped, Reason: ce.Error()}, nil
		}
		return Status{}, err
	}
	m := &merger{targets: pre.targets, paths: paths}
	del, err := m.mapping(work, dest, schema, nil)
	if err != nil {
		// The merge may have edited the resource before it failed.
		return Status{Changed: m.changed}, err
	}
	if del {
		return Status{}, &MergeError{Path: "$", Err: errors.New("$patch: delete at the root would delete the resource")}
	}
	if m.changed {
		return Status{Outcome: Applied, Changed: true}, nil
	}
	return Status{Outcome: Applied}, nil
}
