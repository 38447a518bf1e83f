package jsonpatch

import (
	"errors"
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// The reasons an operation fails, for errors.Is.
var (
	ErrMissing      = errors.New("path not found")
	ErrInvalidIndex = errors.New("invalid list index")
	ErrTestFailed   = errors.New("test failed")
	ErrWrongType    = errors.New("path goes through a value that is not a map or list")
)

// CompileError reports a patch that cannot be parsed; Index is the 0-based
// operation, or -1 when the whole text is at fault.
type CompileError struct {
	Index int
	Err   error
}

func (e *CompileError) Error() string {
	if e.Index < 0 {
		return "patchesJson6902: " + e.Err.Error()
	}
	return fmt.Sprintf("patchesJson6902 operation %d: %s", e.Index, e.Err)
}

func (e *CompileError) Unwrap() error { return e.Err }

// OpError reports an operation that does not apply to a resource.
type OpError struct {
	Index int
	Op    string
	Path  string
	Err   error
}

func (e *OpError) Error() string {
	return fmt.Sprintf("patchesJson6902 operation %d (%s %s): %s", e.Index, e.Op, e.Path, e.Err)
}

func (e *OpError) Unwrap() error { return e.Err }

type operation struct {
	kind     string
	path     []string // decoded tokens; nil is the whole document
	rawPath  string
	from     []string
	rawFrom  string
	value    *yaml.Node
	hasValue bool
}

// Patch is a compiled list of operations. It is safe for concurrent use.
type Patch struct {
	ops []operation
}

// Compile parses a patchesJson6902 string: a JSON array or a YAML list of
// operations.
func Compile(ops string) (*Patch, error) {
	if strings.TrimSpace(ops) == "" {
		return &Patch{}, nil
	}
	root, err := yaml.Parse(ops)
	if err != nil {
		return nil, &CompileError{Index: -1, Err: err}
	}
	list := root.YNode()
	if list.Kind != yaml.SequenceNode {
		return nil, &CompileError{Index: -1, Err: errors.New("want a list of operations")}
	}
	if err := checkNoAlias(list); err != nil {
		return nil, &CompileError{Index: -1, Err: err}
	}
	p := &Patch{ops: make([]operation, 0, len(list.Content))}
	for i, n := range list.Content {
		op, err := compileOp(n)
		if err != nil {
			return nil, &CompileError{Index: i, Err: err}
		}
		p.ops = append(p.ops, op)
	}
	return p, nil
}

func compileOp(n *yaml.Node) (operation, error) {
	var op operation
	if n.Kind != yaml.MappingNode {
		return op, errors.New("an operation must be a map")
	}
	fields := map[string]*yaml.Node{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		fields[n.Content[i].Value] = n.Content[i+1]
	}
	str := func(name string) (string, bool, error) {
		v, ok := fields[name]
		if !ok {
			return "", false, nil
		}
		if v.Kind != yaml.ScalarNode || v.ShortTag() == yaml.NodeTagNull {
			return "", true, fmt.Errorf("%q must be a string", name)
		}
		return v.Value, true, nil
	}
	kind, ok, err := str("op")
	if err != nil {
		return op, err
	}
	if !ok {
		return op, errors.New(`missing "op"`)
	}
	op.kind = kind
	switch kind {
	case "add", "replace", "test":
		v, ok := fields["value"]
		if !ok {
			return op, fmt.Errorf(`%s needs a "value"`, kind)
		}
		op.value, op.hasValue = normalize(v), true
	case "move", "copy":
		from, ok, err := str("from")
		if err != nil {
			return op, err
		}
		if !ok {
			return op, fmt.Errorf(`%s needs a "from"`, kind)
		}
		if op.from, err = parsePointer(from); err != nil {
			return op, fmt.Errorf("from: %w", err)
		}
		op.rawFrom = from
	case "remove":
	default:
		return op, fmt.Errorf("unknown op %q: want add, remove, replace, move, copy or test", kind)
	}
	path, ok, err := str("path")
	if err != nil {
		return op, err
	}
	if !ok {
		return op, errors.New(`missing "path"`)
	}
	if op.path, err = parsePointer(path); err != nil {
		return op, fmt.Errorf("path: %w", err)
	}
	op.rawPath = path
	return op, nil
}

// parsePointer splits a JSON Pointer into decoded tokens.
func parsePointer(p string) ([]string, error) {
	if p == "" {
		return nil, nil
	}
	if p[0] != '/' {
		return nil, fmt.Errorf("JSON pointer %q must start with /", p)
	}
	parts := strings.Split(p[1:], "/")
	for i, t := range parts {
		parts[i] = strings.NewReplacer("~1", "/", "~0", "~").Replace(t)
	}
	return parts, nil
}

// normalize turns an operation's value into resource content: a deep copy
// without the policy's comments and with block style, so that a JSON value
// does not bring flow style or needless quotes into the document (the YAML
// encoder still quotes strings that would read as another type).
func normalize(n *yaml.Node) *yaml.Node {
	c := *n
	c.HeadComment, c.LineComment, c.FootComment = "", "", ""
	switch c.Kind {
	case yaml.ScalarNode:
		// Keep quotes on strings that YAML 1.1 readers (sigs.k8s.io/yaml)
		// would take for another type, such as "yes" or "on".
		if c.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle) != 0 && c.ShortTag() == yaml.NodeTagString && !yaml.IsValueNonString(c.Value) {
			c.Style = 0
		}
	case yaml.MappingNode, yaml.SequenceNode:
		c.Style = 0
	}
	if n.Content != nil {
		c.Content = make([]*yaml.Node, len(n.Content))
		for i, child := range n.Content {
			c.Content[i] = normalize(child)
		}
	}
	return &c
}

func checkNoAlias(n *yaml.Node) error {
	if n.Kind == yaml.AliasNode {
		return errors.New("YAML aliases are not supported")
	}
	for _, c := range n.Content {
		if err := checkNoAlias(c); err != nil {
			return err
		}
	}
	return nil
}

// Apply runs the operations in order on resource. Either all apply or the
// resource is left as it was; the root node keeps its identity. It reports
// whether the resource changed: a patch can apply and change nothing (an
// "add" of the value already there).
func (p *Patch) Apply(resource *yaml.RNode) (bool, error) {
	if resource == nil || resource.YNode() == nil {
		return false, &OpError{Index: -1, Err: errors.New("resource is nil")}
	}
	root := resource.YNode()
	if root.Kind == yaml.DocumentNode && len(root.Content) == 1 {
		root = root.Content[0]
	}
	if err := checkNoAlias(root); err != nil {
		return false, &OpError{Index: -1, Err: err}
	}
	if len(p.ops) == 0 {
		return false, nil
	}
	work := deepCopy(root)
	for i, op := range p.ops {
		var err error
		work, err = apply(work, op)
		if err != nil {
			return false, &OpError{Index: i, Op: op.kind, Path: op.rawPath, Err: err}
		}
	}
	if identical(root, work) {
		return false, nil
	}
	*root = *work
	return true, nil
}

// identical reports whether two trees would be written out the same: same
// kinds, tags, values and key order.
func identical(a, b *yaml.Node) bool {
	if a.Kind != b.Kind || a.Tag != b.Tag || a.Value != b.Value || a.Style != b.Style || len(a.Content) != len(b.Content) {
		return false
	}
	for i := range a.Content {
		if !identical(a.Content[i], b.Content[i]) {
			return false
		}
	}
	return true
}
