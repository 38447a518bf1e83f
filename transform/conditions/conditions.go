package conditions

import (
	"fmt"
	"strings"

	"github.com/preadmit/preadmit/transform/variables"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Condition is one compiled {key, operator, value, message} entry.
type Condition struct {
	Operator Operator
	Message  string
	key      *variables.Template
	value    *variables.Template
	path     string
}

// Conditions is a compiled conditions block.
type Conditions struct {
	// Any holds the "any" conditions; nil when the block has none.
	Any []Condition
	// All holds the "all" conditions, or the legacy plain list.
	All []Condition
}

// CompileError reports a malformed conditions block.
type CompileError struct {
	Path string
	Msg  string
	Err  error
}

func (e *CompileError) Error() string {
	s := fmt.Sprintf("conditions%s: %s", e.Path, e.Msg)
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *CompileError) Unwrap() error { return e.Err }

// Compile parses a conditions block: a map with "any" and/or "all" lists,
// or a plain list (all). A nil or null node is an empty block, which is
// true.
func Compile(node *yaml.RNode) (*Conditions, error) {
	c := &Conditions{}
	if node == nil || node.YNode() == nil {
		return c, nil
	}
	n := node.YNode()
	if n.Kind == yaml.DocumentNode && len(n.Content) == 1 {
		n = n.Content[0]
	}
	switch n.Kind {
	case yaml.ScalarNode:
		if n.ShortTag() == yaml.NodeTagNull {
			return c, nil
		}
		return nil, &CompileError{Msg: "expected a list or a map with any/all, got a scalar"}
	case yaml.SequenceNode:
		all, err := compileList(n, "")
		if err != nil {
			return nil, err
		}
		c.All = all
		return c, nil
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k, v := n.Content[i].Value, n.Content[i+1]
			if v.Kind == yaml.ScalarNode && v.ShortTag() == yaml.NodeTagNull {
				continue
			}
			switch k {
			case "any":
				list, err := compileList(v, "/any")
				if err != nil {
					return nil, err
				}
				c.Any = append([]Condition{}, list...)
			case "all":
				list, err := compileList(v, "/all")
				if err != nil {
					return nil, err
				}
				c.All = list
			default:
				return nil, &CompileError{Path: "/" + k, Msg: "unknown field; expected any or all"}
			}
		}
		return c, nil
	}
	return nil, &CompileError{Msg: "expected a list or a map with any/all"}
}

func compileList(n *yaml.Node, path string) ([]Condition, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, &CompileError{Path: path, Msg: "expected a list of conditions"}
	}
	out := make([]Condition, 0, len(n.Content))
	for i, e := range n.Content {
		p := fmt.Sprintf("%s/%d", path, i)
		c, err := compileCondition(e, p)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func compileCondition(n *yaml.Node, path string) (Condition, error) {
	c := Condition{path: path}
	if n.Kind != yaml.MappingNode {
		return c, &CompileError{Path: path, Msg: "expected a map with key, operator and value"}
	}
	var opSeen bool
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i].Value, n.Content[i+1]
		switch k {
		case "key", "value":
			t, err := variables.Compile(yaml.NewRNode(v))
			if err != nil {
				return c, &CompileError{Path: path + "/" + k, Msg: "invalid variable", Err: err}
			}
			if k == "key" {
				c.key = t
			} else {
				c.value = t
			}
		case "operator":
			op, err := ParseOperator(v.Value)
			if err != nil {
				return c, &CompileError{Path: path + "/operator", Msg: "invalid operator", Err: err}
			}
			c.Operator, opSeen = op, true
		case "message":
			c.Message = v.Value
		default:
			return c, &CompileError{Path: path + "/" + k, Msg: "unknown field; expected key, operator, value or message"}
		}
	}
	if !opSeen {
		return c, &CompileError{Path: path, Msg: "operator is required"}
	}
	return c, nil
}

// Evaluate substitutes the variables of one condition and applies its
// operator.
func (c *Condition) Evaluate(ctx *variables.Context) (bool, error) {
	key, err := c.key.Value(ctx)
	if err != nil {
		return false, fmt.Errorf("failed to substitute variables in condition key: %w", err)
	}
	value, err := c.value.Value(ctx)
	if err != nil {
		return false, fmt.Errorf("failed to substitute variables in condition value: %w", err)
	}
	return c.Operator.Apply(key, value), nil
}

// Evaluate evaluates the block as Kyverno does: any conditions are ORed
// (true when there are none), all conditions are ANDed, and the block is
// true when both are. The message is, when false, the failing all
// condition's message or the "; "-joined messages of the any conditions;
// when true, the "; "-joined messages of the conditions that held. The
// first substitution error stops evaluation.
func (c *Conditions) Evaluate(ctx *variables.Context) (bool, string, error) {
	if c == nil {
		return true, "", nil
	}
	var trueMsgs []string
	if c.Any != nil {
		var falseMsgs []string
		matched := false
		for i := range c.Any {
			ok, err := c.Any[i].Evaluate(ctx)
			if err != nil {
				return false, "", fmt.Errorf("%s: %w", c.Any[i].path, err)
			}
			if ok {
				matched = true
				trueMsgs = appendMsg(trueMsgs, c.Any[i].Message)
				break
			}
			falseMsgs = appendMsg(falseMsgs, c.Any[i].Message)
		}
		if !matched {
			return false, strings.Join(falseMsgs, "; "), nil
		}
	}
	for i := range c.All {
		ok, err := c.All[i].Evaluate(ctx)
		if err != nil {
			return false, "", fmt.Errorf("%s: %w", c.All[i].path, err)
		}
		if !ok {
			return false, c.All[i].Message, nil
		}
		trueMsgs = appendMsg(trueMsgs, c.All[i].Message)
	}
	return true, strings.Join(trueMsgs, "; "), nil
}

func appendMsg(msgs []string, m string) []string {
	if m == "" {
		return msgs
	}
	return append(msgs, m)
}
