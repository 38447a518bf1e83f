package strategic

import (
	"cmp"
	"strconv"
	"strings"
	"time"

	"k8s.io/apimachinery/pkg/api/resource"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/quantity"
	"github.com/preadmit/preadmit/transform/wildcard"
)

// matchScalar compares a resource scalar with a pattern scalar the way
// Kyverno's validate.ValidateValueWithPattern does: typed patterns (bool,
// number, null) compare by value; string patterns support "|" (or), "&"
// (and), the operators "!", ">", ">=", "<", "<=", ranges "a-b" and "a!-b",
// quantities and durations, and the wildcards "*" and "?".
func matchScalar(r, p *yaml.Node) bool {
	switch p.ShortTag() {
	case yaml.NodeTagNull:
		return isNull(r)
	case yaml.NodeTagBool:
		return r != nil && r.ShortTag() == yaml.NodeTagBool && strings.EqualFold(r.Value, p.Value)
	case yaml.NodeTagInt, yaml.NodeTagFloat:
		if r == nil || isNull(r) {
			return false
		}
		pf, err1 := strconv.ParseFloat(p.Value, 64)
		rf, err2 := strconv.ParseFloat(r.Value, 64)
		return err1 == nil && err2 == nil && pf == rf
	}
	if r == nil || isNull(r) {
		return false
	}
	return matchString(r.Value, p.Value)
}

func matchString(value, pattern string) bool {
	if value == pattern {
		return true
	}
	for _, alt := range strings.Split(pattern, "|") {
		all := true
		for _, cond := range strings.Split(strings.TrimSpace(alt), "&") {
			if !matchOne(value, strings.TrimSpace(cond)) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

type operator string

const (
	opEqual        operator = ""
	opNotEqual     operator = "!"
	opMore         operator = ">"
	opMoreEqual    operator = ">="
	opLess         operator = "<"
	opLessEqual    operator = "<="
	opInRange      operator = "-"
	opNotInRange   operator = "!-"
	numberPrefixes          = "0123456789."
)

func matchOne(value, pattern string) bool {
	if lo, hi, ok := cutRange(pattern, "!-"); ok {
		in := compare(value, lo, opMoreEqual) && compare(value, hi, opLessEqual)
		return !in
	}
	if lo, hi, ok := cutRange(pattern, "-"); ok {
		return compare(value, lo, opMoreEqual) && compare(value, hi, opLessEqual)
	}
	op := opEqual
	for _, o := range []operator{opMoreEqual, opLessEqual, opMore, opLess, opNotEqual} {
		if strings.HasPrefix(pattern, string(o)) {
			op = o
			pattern = strings.TrimSpace(pattern[len(o):])
			break
		}
	}
	return compare(value, pattern, op)
}

// cutRange splits "a-b" when both sides look like numbers, so that names
// with dashes are not ranges.
func cutRange(pattern, sep string) (string, string, bool) {
	lo, hi, ok := strings.Cut(pattern, sep)
	if !ok || lo == "" || hi == "" || !strings.ContainsAny(lo[:1], numberPrefixes) || !strings.ContainsAny(hi[:1], numberPrefixes) {
		return "", "", false
	}
	if _, ok := number(lo); !ok {
		return "", "", false
	}
	if _, ok := number(hi); !ok {
		return "", "", false
	}
	return lo, hi, true
}

func compare(value, pattern string, op operator) bool {
	if pattern != "" && strings.ContainsAny(pattern[:1], numberPrefixes) {
		if pv, ok := number(pattern); ok {
			if vv, ok := number(value); ok {
				c := vv.cmp(pv)
				switch op {
				case opEqual:
					return c == 0
				case opNotEqual:
					return c != 0
				case opMore:
					return c > 0
				case opMoreEqual:
					return c >= 0
				case opLess:
					return c < 0
				case opLessEqual:
					return c <= 0
				case opInRange, opNotInRange:
				}
				return false
			}
		}
	}
	switch op {
	case opEqual:
		return wildcard.Match(pattern, value)
	case opNotEqual:
		return !wildcard.Match(pattern, value)
	case opMore, opMoreEqual, opLess, opLessEqual, opInRange, opNotInRange:
	}
	return false
}

// num is a number, a quantity ("100m", "1Gi") or a duration ("30s").
type num struct {
	q   resource.Quantity
	d   time.Duration
	dur bool
}

func (a num) cmp(b num) int {
	if a.dur != b.dur {
		if a.dur {
			return a.cmpDuration(b)
		}
		return -b.cmpDuration(a)
	}
	if a.dur {
		return cmp.Compare(a.d, b.d)
	}
	return a.q.Cmp(b.q)
}

// cmpDuration compares a duration with a plain number of seconds.
func (a num) cmpDuration(b num) int {
	bd := time.Duration(b.q.AsApproximateFloat64() * float64(time.Second))
	return cmp.Compare(a.d, bd)
}

func number(s string) (num, bool) {
	if q, err := quantity.Parse(s); err == nil {
		return num{q: q}, true
	}
	if d, err := time.ParseDuration(s); err == nil {
		return num{d: d, dur: true}, true
	}
	return num{}, false
}
