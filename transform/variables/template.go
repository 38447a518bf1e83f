package variables

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/yamlnode"
)

// varBody matches one variable at the start of a string, as Kyverno's
// RegexVariables does: "{{", then characters other than braces or
// brace-free "{...}" groups (JMESPath object literals), then "}}".
var varBody = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^\{\{(?:\{[^{}]*\}|[^{}])*\}\}`) })

// escaped matches "\{{...}}", which Kyverno writes out as "{{...}}".
var escaped = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\\\{\{(?:\{[^{}]*\}|[^{}])*\}\}`) })

// maxRounds bounds re-substitution of variables that substitution itself
// produced. Kyverno loops until none are left, which never ends for a value
// that expands to itself.
const maxRounds = 16

// maxStringLen bounds a substituted string, so values that expand into
// more variables ("{{a}}{{a}}") cannot grow without limit.
const maxStringLen = 1 << 20

// SubstitutionError reports a variable that could not be resolved. Err is
// a *NotFoundError when a key is missing.
type SubstitutionError struct {
	Variable string
	Path     string
	Err      error
}

func (e *SubstitutionError) Error() string {
	return fmt.Sprintf("failed to resolve %s at path %s: %v", e.Variable, e.Path, e.Err)
}

func (e *SubstitutionError) Unwrap() error { return e.Err }

// ExpressionError reports a variable whose JMESPath does not parse.
type ExpressionError struct {
	Variable string
	Path     string
	Err      error
}

func (e *ExpressionError) Error() string {
	return fmt.Sprintf("invalid variable %s at path %s: %v", e.Variable, e.Path, e.Err)
}

func (e *ExpressionError) Unwrap() error { return e.Err }

// part is a literal or a variable of a string template.
type part struct {
	lit  string
	raw  string // the variable as written, "{{ x }}"
	expr *Expr
	// shallow marks "{{- x }}": its value is not substituted again.
	shallow bool
}

// stringTemplate is a parsed string scalar.
type stringTemplate struct {
	parts []part
	// whole is set when the string is exactly one variable: its value
	// replaces the scalar with its type.
	whole bool
}

// shallow reports whether the template uses shallow substitution, "{{- x }}",
// which Kyverno evaluates once: variables in the values stay as they are.
func (t *stringTemplate) shallow() bool {
	for _, p := range t.parts {
		if p.shallow {
			return true
		}
	}
	return false
}

func (t *stringTemplate) hasVars() bool {
	for _, p := range t.parts {
		if p.expr != nil {
			return true
		}
	}
	return false
}

// scan splits s into literals and variables. It returns nil when s has
// neither variables nor escaped variables.
func scan(s string) []part {
	var parts []part
	last := 0
	for i := 0; i < len(s); {
		j := strings.Index(s[i:], "{{")
		if j < 0 {
			break
		}
		j += i
		if j > 0 && s[j-1] == '\\' {
			i = j + 1
			continue
		}
		loc := varBody().FindStringIndex(s[j:])
		if loc == nil {
			i = j + 1
			continue
		}
		if j > last {
			parts = append(parts, part{lit: s[last:j]})
		}
		parts = append(parts, part{raw: s[j : j+loc[1]]})
		last = j + loc[1]
		i = last
	}
	if parts == nil {
		if strings.Contains(s, `\{{`) && escaped().MatchString(s) {
			return []part{{lit: s}}
		}
		return nil
	}
	if last < len(s) {
		parts = append(parts, part{lit: s[last:]})
	}
	return parts
}

// exprText is Kyverno's replaceBracesAndTrimSpaces.
func exprText(raw string) string {
	v := strings.ReplaceAll(raw, "{{", "")
	v = strings.ReplaceAll(v, "}}", "")
	return strings.TrimSpace(v)
}

// parseString compiles a string scalar. self is the JMESPath of the scalar's
// position, which "{{@}}" stands for.
func parseString(s, path, self string) (*stringTemplate, error) {
	parts := scan(s)
	if parts == nil {
		return nil, nil
	}
	for i := range parts {
		if parts[i].raw == "" {
			continue
		}
		text := exprText(parts[i].raw)
		if strings.HasPrefix(parts[i].raw, "{{-") {
			parts[i].shallow = true
			text = strings.TrimSpace(strings.TrimPrefix(text, "-"))
		}
		if text == "@" {
			text = self
		}
		if text == "" {
			return nil, &ExpressionError{Variable: parts[i].raw, Path: path, Err: errors.New("empty expression")}
		}
		e, err := ParseExpr(text)
		if err != nil {
			return nil, &ExpressionError{Variable: parts[i].raw, Path: path, Err: err}
		}
		parts[i].expr = e
	}
	return &stringTemplate{parts: parts, whole: len(parts) == 1 && parts[0].expr != nil}, nil
}

// eval substitutes the template. The result is a string unless the template
// is one whole variable.
func (t *stringTemplate) eval(ctx *Context, path, self string) (interface{}, error) {
	for round := 0; ; round++ {
		if t.whole {
			p := t.parts[0]
			v, err := p.expr.Evaluate(ctx)
			if err != nil {
				return nil, &SubstitutionError{Variable: p.expr.text, Path: path, Err: err}
			}
			return v, nil
		}
		var b strings.Builder
		for _, p := range t.parts {
			if p.expr == nil {
				b.WriteString(p.lit)
				continue
			}
			v, err := p.expr.Evaluate(ctx)
			if err != nil {
				return nil, &SubstitutionError{Variable: p.expr.text, Path: path, Err: err}
			}
			s, err := toText(v)
			if err != nil {
				return nil, &SubstitutionError{Variable: p.expr.text, Path: path, Err: err}
			}
			b.WriteString(s)
			if b.Len() > maxStringLen {
				return nil, &SubstitutionError{Variable: p.expr.text, Path: path, Err: fmt.Errorf("substituted string longer than %d bytes", maxStringLen)}
			}
		}
		out := b.String()
		if !t.hasVars() || t.shallow() || !strings.Contains(out, "{{") {
			return unescape(out), nil
		}
		// Substituted values may hold variables of their own; Kyverno
		// substitutes those too.
		next, err := parseString(out, path, self)
		if err != nil {
			return nil, err
		}
		if next == nil || !next.hasVars() {
			return unescape(out), nil
		}
		if round >= maxRounds {
			return nil, &SubstitutionError{Variable: out, Path: path, Err: fmt.Errorf("variables still unresolved after %d rounds of substitution", maxRounds)}
		}
		t = next
	}
}

func unescape(s string) string {
	if !strings.Contains(s, `\{{`) {
		return s
	}
	return escaped().ReplaceAllStringFunc(s, func(m string) string { return m[1:] })
}

// site is one scalar of the compiled node that needs substitution.
type site struct {
	index []int // Content indexes from the root node
	path  string
	self  string
	key   bool
	tmpl  *stringTemplate
}

// Template is a compiled YAML fragment. It is safe for concurrent use.
type Template struct {
	root  *yaml.Node
	sites []site
}

// Compile finds and parses every variable in node: string scalars and map
// keys, at any depth. A malformed JMESPath expression is an *ExpressionError
// naming the variable and its path. node is not modified and must not be
// modified while the Template is in use.
func Compile(node *yaml.RNode) (*Template, error) {
	t := &Template{}
	if node == nil || node.YNode() == nil {
		return t, nil
	}
	t.root = node.YNode()
	if err := t.collect(t.root, nil, "", "request.object", 0); err != nil {
		return nil, err
	}
	return t, nil
}

func (t *Template) collect(n *yaml.Node, index []int, path, self string, depth int) error {
	if depth > yamlnode.MaxDepth {
		return fmt.Errorf("YAML nested deeper than %d levels at %s", yamlnode.MaxDepth, path)
	}
	child := func(i int) []int {
		c := make([]int, len(index)+1)
		copy(c, index)
		c[len(index)] = i
		return c
	}
	switch n.Kind {
	case yaml.DocumentNode:
		for i, c := range n.Content {
			if err := t.collect(c, child(i), path, self, depth+1); err != nil {
				return err
			}
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			k := n.Content[i]
			kpath := path + "/" + escapePointer(k.Value)
			kself := self + "." + jmesField(k.Value)
			if k.Kind == yaml.ScalarNode {
				tmpl, err := parseString(k.Value, kpath, kself)
				if err != nil {
					return err
				}
				if tmpl != nil {
					t.sites = append(t.sites, site{index: child(i), path: kpath, self: kself, key: true, tmpl: tmpl})
				}
			}
			if err := t.collect(n.Content[i+1], child(i+1), kpath, kself, depth+1); err != nil {
				return err
			}
		}
	case yaml.SequenceNode:
		for i, c := range n.Content {
			if err := t.collect(c, child(i), path+"/"+strconv.Itoa(i), self+"["+strconv.Itoa(i)+"]", depth+1); err != nil {
				return err
			}
		}
	case yaml.ScalarNode:
		if n.ShortTag() != yaml.NodeTagString {
			return nil
		}
		tmpl, err := parseString(n.Value, path, self)
		if err != nil {
			return err
		}
		if tmpl != nil {
			t.sites = append(t.sites, site{index: index, path: pathOrRoot(path), self: self, tmpl: tmpl})
		}
	}
	return nil
}

func pathOrRoot(p string) string {
	if p == "" {
		return "/"
	}
	return p
}

func escapePointer(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

var plainIdent = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`) })

func jmesField(k string) string {
	if plainIdent().MatchString(k) {
		return k
	}
	return strconv.Quote(k)
}

// HasVariables reports whether the template substitutes anything.
func (t *Template) HasVariables() bool { return t != nil && len(t.sites) > 0 }

// HasVariables reports whether node holds any variable or escaped variable,
// so callers can skip Compile and Substitute for static nodes.
func HasVariables(node *yaml.RNode) bool {
	if node == nil {
		return false
	}
	return hasVars(node.YNode(), 0)
}

func hasVars(n *yaml.Node, depth int) bool {
	if n == nil || depth > yamlnode.MaxDepth {
		return false
	}
	switch n.Kind {
	case yaml.ScalarNode:
		return strings.Contains(n.Value, "{{") && scan(n.Value) != nil
	case yaml.DocumentNode, yaml.MappingNode, yaml.SequenceNode:
		for _, c := range n.Content {
			if hasVars(c, depth+1) {
				return true
			}
		}
	}
	return false
}

// Substitute returns the compiled node with every variable resolved
// against ctx. The first unresolvable variable is returned as a
// *SubstitutionError. Only the nodes on the way to a variable are copied;
// the rest of the result is the template's own, so callers must treat it
// as read-only (every use here does: patches, patterns and values are
// compiled from it, never edited in place).
func (t *Template) Substitute(ctx *Context) (*yaml.RNode, error) {
	vals, err := t.Evaluate(ctx)
	if err != nil {
		return nil, err
	}
	return t.SubstituteValues(vals)
}

// Evaluate returns what each variable of the template resolves to against
// ctx, in order. The substituted node depends on these values alone, so
// callers may key what they compile from it by them.
func (t *Template) Evaluate(ctx *Context) ([]interface{}, error) {
	if t == nil || t.root == nil {
		return nil, nil
	}
	vals := make([]interface{}, len(t.sites))
	for i, s := range t.sites {
		v, err := s.tmpl.eval(ctx, s.path, s.self)
		if err != nil {
			return nil, err
		}
		vals[i] = v
	}
	return vals, nil
}

// SubstituteValues is Substitute with the values Evaluate returned.
func (t *Template) SubstituteValues(vals []interface{}) (*yaml.RNode, error) {
	if t == nil || t.root == nil {
		return nil, nil
	}
	if len(vals) != len(t.sites) {
		return nil, fmt.Errorf("template: %d values for %d variables", len(vals), len(t.sites))
	}
	root := shallowCopy(t.root)
	owned := map[*yaml.Node]bool{root: true}
	for i, s := range t.sites {
		v := vals[i]
		parent, slot := ownPath(root, s.index, owned)
		var old *yaml.Node
		if parent == nil {
			old = root
		} else {
			old = parent.Content[slot]
		}
		repl, err := replacement(old, v, s.key)
		if err != nil {
			return nil, &SubstitutionError{Variable: old.Value, Path: s.path, Err: err}
		}
		if parent == nil {
			root = repl
		} else {
			parent.Content[slot] = repl
		}
	}
	return yaml.NewRNode(root), nil
}

// shallowCopy copies a node and its list of children, not the children.
func shallowCopy(n *yaml.Node) *yaml.Node {
	c := *n
	if n.Content != nil {
		c.Content = append([]*yaml.Node(nil), n.Content...)
	}
	return &c
}

// ownPath is locate on a tree being substituted: every node on the way to
// the slot is copied first (once), so that the template is never written.
func ownPath(root *yaml.Node, index []int, owned map[*yaml.Node]bool) (*yaml.Node, int) {
	if len(index) == 0 {
		return nil, 0
	}
	n := root
	for _, i := range index[:len(index)-1] {
		c := n.Content[i]
		if !owned[c] {
			c = shallowCopy(c)
			n.Content[i] = c
			owned[c] = true
		}
		n = c
	}
	return n, index[len(index)-1]
}

// Value substitutes and returns the result as a JSON-like value.
func (t *Template) Value(ctx *Context) (interface{}, error) {
	if t == nil || t.root == nil {
		return nil, nil
	}
	if len(t.sites) == 0 {
		return jmespathValues.Value(t.root)
	}
	n, err := t.Substitute(ctx)
	if err != nil {
		return nil, err
	}
	return FromRNode(n)
}

// replacement builds the node that takes old's place.
func replacement(old *yaml.Node, v interface{}, key bool) (*yaml.Node, error) {
	if s, ok := v.(string); ok || key {
		if !ok {
			var err error
			if s, err = toText(v); err != nil {
				return nil, err
			}
		}
		n := *old
		n.Value = s
		n.Tag = yaml.NodeTagString
		if n.Style&(yaml.LiteralStyle|yaml.FoldedStyle) != 0 && !strings.Contains(s, "\n") {
			n.Style = 0
		}
		if n.Style == 0 && yaml.IsYaml1_1NonString(&n) {
			n.Style = yaml.DoubleQuotedStyle
		}
		return &n, nil
	}
	n, err := toNode(v, 0)
	if err != nil {
		return nil, err
	}
	n.HeadComment, n.LineComment, n.FootComment = old.HeadComment, old.LineComment, old.FootComment
	return n, nil
}
