package pattern

import (
	"cmp"
	"fmt"
	"math"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/quantity"
	"github.com/preadmit/preadmit/transform/wildcard"
)

// op is a comparison operator at the start of a pattern condition.
type op uint8

const (
	opEqual op = iota
	opNotEqual
	opMore
	opLess
	opMoreEqual
	opLessEqual
)

func (o op) String() string {
	return [...]string{"", "!", ">", "<", ">=", "<="}[o]
}

// The range forms Kyverno accepts: two signed numbers with optional unit
// suffixes joined by "-" (inside, inclusive) or "!-" (outside).
var (
	inRange = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^([-|+]?\d+(?:\.\d+)?[A-Za-z]*)-([-|+]?\d+(?:\.\d+)?[A-Za-z]*)$`)
	})
	notInRange = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^([-|+]?\d+(?:\.\d+)?[A-Za-z]*)!-([-|+]?\d+(?:\.\d+)?[A-Za-z]*)$`)
	})
)

// cond is one operator and operand, parsed once.
type cond struct {
	op      op
	operand string
	dur     time.Duration
	isDur   bool
	qty     resource.Quantity
	isQty   bool
}

// term is one "&"-joined group; a range expands to two conds joined by
// and (a-b) or by or (a!-b).
type term struct {
	conds []cond
	// anyOf makes the conds an "or" (the a!-b range form).
	anyOf bool
}

// valueType is the YAML type of a scalar pattern.
type valueType uint8

const (
	patNull valueType = iota
	patBool
	patNumber
	patString
)

// Value is a compiled scalar pattern: the right-hand side of a pattern field
// such as "?*", ">=2", "1Gi-2Gi", "!*:latest | nginx:*", true, 3 or null. It
// implements Kyverno's value comparison (pkg/engine/pattern.Validate) and is
// what preconditions can reuse to compare one value. A Value is immutable and
// safe for concurrent use.
type Value struct {
	typ  valueType
	raw  string // the pattern as written
	b    bool
	num  float64
	alts [][]term // "|"-separated alternatives, each a list of "&" terms
}

// String returns the pattern as it was written.
func (v *Value) String() string { return v.raw }

// IsWildcard reports whether the pattern is exactly "*", which Kyverno
// treats as "the field must be present and not null".
func (v *Value) IsWildcard() bool { return v.typ == patString && v.raw == "*" }

// ValueError reports a string pattern whose operator cannot ever match,
// such as ">abc" or a range whose ends are not numbers.
type ValueError struct {
	Pattern string
	Reason  string
}

func (e *ValueError) Error() string {
	return fmt.Sprintf("invalid value pattern %q: %s", e.Pattern, e.Reason)
}

// ParseValue compiles a string pattern with Kyverno's operators: "|" (or),
// "&" (and), "!" (not), ">", "<", ">=", "<=", ranges "a-b" and "a!-b", and
// the wildcards "*" and "?". Comparison operators need an operand that is a
// Kubernetes quantity or a Go duration; anything else is a *ValueError,
// because Kyverno would silently never match it.
func ParseValue(s string) (*Value, error) {
	v := &Value{typ: patString, raw: s}
	for _, alt := range strings.Split(s, "|") {
		alt = strings.Trim(alt, " ")
		var terms []term
		for _, c := range strings.Split(alt, "&") {
			c = strings.Trim(c, " ")
			t, err := parseTerm(c)
			if err != nil {
				return nil, &ValueError{Pattern: s, Reason: err.Error()}
			}
			terms = append(terms, t)
		}
		v.alts = append(v.alts, terms)
	}
	return v, nil
}

// parseBounds parses the two bounds a range pattern's submatches m hold,
// with the operators that compare a value with each.
func parseBounds(m []string, loOp, hiOp op) ([]cond, error) {
	lo, err := parseCond(loOp, m[1])
	if err != nil {
		return nil, err
	}
	hi, err := parseCond(hiOp, m[2])
	if err != nil {
		return nil, err
	}
	return []cond{lo, hi}, nil
}

func parseTerm(c string) (term, error) {
	o := operatorOf(c)
	switch {
	case o == opEqual && notInRange().MatchString(c):
		// "a!-b": below a or above b.
		conds, err := parseBounds(notInRange().FindStringSubmatch(c), opLess, opMore)
		return term{conds: conds, anyOf: true}, err
	case o == opEqual && inRange().MatchString(c):
		// "a-b": from a to b.
		conds, err := parseBounds(inRange().FindStringSubmatch(c), opMoreEqual, opLessEqual)
		return term{conds: conds}, err
	}
	cd, err := parseCond(o, strings.TrimSpace(c[len(o.String()):]))
	if err != nil {
		return term{}, err
	}
	return term{conds: []cond{cd}}, nil
}

// operatorOf mirrors Kyverno's GetOperatorFromStringPattern: a condition
// shorter than two characters is always a literal.
func operatorOf(c string) op {
	if len(c) < 2 {
		return opEqual
	}
	switch {
	case strings.HasPrefix(c, ">="):
		return opMoreEqual
	case strings.HasPrefix(c, "<="):
		return opLessEqual
	case c[0] == '>':
		return opMore
	case c[0] == '<':
		return opLess
	case c[0] == '!':
		return opNotEqual
	}
	return opEqual
}

func parseCond(o op, operand string) (cond, error) {
	cd := cond{op: o, operand: operand}
	if d, err := time.ParseDuration(operand); err == nil {
		cd.dur, cd.isDur = d, true
	}
	if q, err := quantity.Parse(operand); err == nil {
		cd.qty, cd.isQty = q, true
	}
	if o != opEqual && o != opNotEqual && !cd.isDur && !cd.isQty {
		return cd, fmt.Errorf("operator %q needs a number, quantity or duration, got %q", o.String(), operand)
	}
	return cd, nil
}

// CompileValue compiles a scalar pattern node: a string (see ParseValue), a
// number, a boolean or null. Maps and lists are not values.
func CompileValue(n *yaml.Node) (*Value, error) {
	n = deref(n)
	switch kindOf(n) {
	case kindMissing, kindNull:
		return &Value{typ: patNull, raw: "null"}, nil
	case kindBool:
		b, _ := parseBool(n.Value)
		return &Value{typ: patBool, raw: n.Value, b: b}, nil
	case kindInt:
		i, _ := parseInt(n.Value)
		// Kyverno decodes patterns from JSON, so every number is a float64.
		return &Value{typ: patNumber, raw: n.Value, num: float64(i)}, nil
	case kindFloat:
		f, _ := parseFloat(n.Value)
		return &Value{typ: patNumber, raw: n.Value, num: f}, nil
	case kindString:
		return ParseValue(n.Value)
	}
	return nil, fmt.Errorf("a value pattern must be a scalar, got %s", describeKind(kindOf(n)))
}

// Match reports whether actual (nil when the field is absent) satisfies v.
func (v *Value) Match(actual *yaml.RNode) bool {
	if actual == nil {
		return v.MatchNode(nil)
	}
	return v.MatchNode(actual.YNode())
}

// MatchNode is Match on a plain yaml.Node; aliases are followed.
func (v *Value) MatchNode(actual *yaml.Node) bool {
	n := deref(actual)
	k := kindOf(n)
	switch v.typ {
	case patNull:
		switch k {
		case kindMissing, kindNull:
			return true
		case kindString:
			return n.Value == ""
		case kindBool:
			b, _ := parseBool(n.Value)
			return !b
		case kindInt, kindFloat:
			f, _ := numberOf(n, k)
			return f == 0
		}
		return false
	case patBool:
		if k != kindBool {
			return false
		}
		b, _ := parseBool(n.Value)
		return b == v.b
	case patNumber:
		switch k {
		case kindInt:
			if v.num != math.Trunc(v.num) {
				return false
			}
			i, _ := parseInt(n.Value)
			return float64(i) == v.num
		case kindFloat:
			f, _ := parseFloat(n.Value)
			return f == v.num
		case kindString:
			f, err := strconv.ParseFloat(n.Value, 64)
			return err == nil && f == v.num
		}
		return false
	}
	if k == kindString && n.Value == v.raw {
		return true
	}
	for _, alt := range v.alts {
		if matchTerms(alt, n, k) {
			return true
		}
	}
	return false
}

func matchTerms(terms []term, n *yaml.Node, k valueKind) bool {
	for _, t := range terms {
		if !matchTerm(t, n, k) {
			return false
		}
	}
	return true
}

func matchTerm(t term, n *yaml.Node, k valueKind) bool {
	if t.anyOf {
		for _, c := range t.conds {
			if matchCond(c, n, k) {
				return true
			}
		}
		return false
	}
	for _, c := range t.conds {
		if !matchCond(c, n, k) {
			return false
		}
	}
	return true
}

// matchCond is Kyverno's validateString: durations first, then quantities,
// then wildcard string equality.
func matchCond(c cond, n *yaml.Node, k valueKind) bool {
	if c.isDur || c.isQty {
		if s, ok := numberString(n, k); ok {
			if c.isDur && mayBeDuration(s) {
				if d, err := time.ParseDuration(s); err == nil {
					return compare(cmp.Compare(d, c.dur), c.op)
				}
			}
			if c.isQty {
				if q, err := quantity.Parse(s); err == nil {
					return compare(q.Cmp(c.qty), c.op)
				}
			}
		}
	}
	if c.op != opEqual && c.op != opNotEqual {
		return false
	}
	s, ok := stringForm(n, k)
	if !ok {
		return false
	}
	m := wildcard.Match(c.operand, s)
	if c.op == opNotEqual {
		return !m
	}
	return m
}

func compare(r int, o op) bool {
	switch o {
	case opEqual:
		return r == 0
	case opNotEqual:
		return r != 0
	case opMore:
		return r > 0
	case opLess:
		return r < 0
	case opMoreEqual:
		return r >= 0
	case opLessEqual:
		return r <= 0
	}
	return false
}

// numberString is Kyverno's convertNumberToString: an absent or null value
// counts as "0", floats are printed with %f, booleans and objects do not
// convert.
func numberString(n *yaml.Node, k valueKind) (string, bool) {
	switch k {
	case kindMissing, kindNull:
		return "0", true
	case kindString:
		return n.Value, true
	case kindInt:
		i, _ := parseInt(n.Value)
		if strconv.FormatInt(i, 10) == n.Value {
			return n.Value, true
		}
		return strconv.FormatInt(i, 10), true
	case kindFloat:
		f, _ := parseFloat(n.Value)
		return fmt.Sprintf("%f", f), true
	}
	return "", false
}

// stringForm is how Kyverno prints a value before wildcard matching: floats
// in exponent form, null and objects not at all.
func stringForm(n *yaml.Node, k valueKind) (string, bool) {
	switch k {
	case kindString:
		return n.Value, true
	case kindBool:
		b, _ := parseBool(n.Value)
		return strconv.FormatBool(b), true
	case kindInt:
		i, _ := parseInt(n.Value)
		if strconv.FormatInt(i, 10) == n.Value {
			return n.Value, true
		}
		return strconv.FormatInt(i, 10), true
	case kindFloat:
		f, _ := parseFloat(n.Value)
		return strconv.FormatFloat(f, 'E', -1, 64), true
	}
	return "", false
}

func numberOf(n *yaml.Node, k valueKind) (float64, bool) {
	switch k {
	case kindInt:
		i, ok := parseInt(n.Value)
		return float64(i), ok
	case kindFloat:
		return parseFloat(n.Value)
	}
	return 0, false
}

// mayBeDuration is a cheap test that lets most non-durations skip
// time.ParseDuration, which allocates an error for each of them: a Go
// duration is "0" or ends in a unit (ns, us, µs, ms, s, m, h).
func mayBeDuration(s string) bool {
	if s == "0" || s == "+0" || s == "-0" {
		return true
	}
	if s == "" {
		return false
	}
	switch s[len(s)-1] {
	case 's', 'm', 'h':
		return true
	}
	return false
}

// IsInRange reports whether s is a range "a-b" as Kyverno's
// GetOperatorFromStringPattern reads it: no leading operator, not an "a!-b"
// range, two signed numbers with optional units. The set operators of
// conditions (AnyIn, AllIn, ...) take such a value as a range.
func IsInRange(s string) bool {
	return operatorOf(s) == opEqual && !notInRange().MatchString(s) && inRange().MatchString(s)
}

// MatchString matches s as a string value (Kyverno's pattern.Validate on a
// Go string), the way conditions test a key against a range.
func (v *Value) MatchString(s string) bool {
	return v.MatchNode(&yaml.Node{Kind: yaml.ScalarNode, Tag: "!!str", Value: s})
}
