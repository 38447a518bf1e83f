package conditions

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/preadmit/preadmit/transform/quantity"
	"github.com/preadmit/preadmit/transform/variables"
	"github.com/preadmit/preadmit/transform/wildcard"
)

// Operator is a condition operator.
type Operator int

// The operators Kyverno defines. In, NotIn and the Duration* operators are
// deprecated in Kyverno but still evaluated.
const (
	Equals Operator = iota + 1
	NotEquals
	In
	AnyIn
	AllIn
	NotIn
	AnyNotIn
	AllNotIn
	GreaterThan
	GreaterThanOrEquals
	LessThan
	LessThanOrEquals
	DurationGreaterThan
	DurationGreaterThanOrEquals
	DurationLessThan
	DurationLessThanOrEquals
)

var operatorNames = map[Operator]string{
	Equals: "Equals", NotEquals: "NotEquals", In: "In", AnyIn: "AnyIn", AllIn: "AllIn",
	NotIn: "NotIn", AnyNotIn: "AnyNotIn", AllNotIn: "AllNotIn",
	GreaterThan: "GreaterThan", GreaterThanOrEquals: "GreaterThanOrEquals",
	LessThan: "LessThan", LessThanOrEquals: "LessThanOrEquals",
	DurationGreaterThan: "DurationGreaterThan", DurationGreaterThanOrEquals: "DurationGreaterThanOrEquals",
	DurationLessThan: "DurationLessThan", DurationLessThanOrEquals: "DurationLessThanOrEquals",
}

func (o Operator) String() string {
	if s, ok := operatorNames[o]; ok {
		return s
	}
	return fmt.Sprintf("Operator(%d)", int(o))
}

// Deprecated reports whether Kyverno deprecates the operator.
func (o Operator) Deprecated() bool {
	switch o {
	case In, NotIn, DurationGreaterThan, DurationGreaterThanOrEquals, DurationLessThan, DurationLessThanOrEquals:
		return true
	}
	return false
}

// UnknownOperatorError reports an operator name Kyverno does not define.
type UnknownOperatorError struct{ Name string }

func (e *UnknownOperatorError) Error() string {
	return fmt.Sprintf("unknown operator %q", e.Name)
}

// ParseOperator reads an operator name, case-insensitively as Kyverno
// does. "Equal" and "NotEqual" are accepted as Equals and NotEquals.
func ParseOperator(name string) (Operator, error) {
	l := strings.ToLower(name)
	switch l {
	case "equal":
		return Equals, nil
	case "notequal":
		return NotEquals, nil
	}
	for op, n := range operatorNames {
		if strings.ToLower(n) == l {
			return op, nil
		}
	}
	return 0, &UnknownOperatorError{Name: name}
}

// Apply evaluates key <operator> value. key and value are JSON-like values.
func (o Operator) Apply(key, value interface{}) bool {
	switch o {
	case Equals:
		r, ok := equal(key, value)
		return ok && r
	case NotEquals:
		return notEqual(key, value)
	case In:
		return legacyIn(key, value, false)
	case NotIn:
		return legacyIn(key, value, true)
	case AnyIn, AllIn, AnyNotIn, AllNotIn:
		return setOp(o, key, value)
	case GreaterThan, GreaterThanOrEquals, LessThan, LessThanOrEquals:
		return numeric(o, key, value)
	case DurationGreaterThan, DurationGreaterThanOrEquals, DurationLessThan, DurationLessThanOrEquals:
		return durationOp(o, key, value)
	}
	return false
}

// parseDuration is Kyverno's: at least one side must be a duration string
// (other than "0"); a number on the other side counts as seconds.
// durationStart reports whether s can start a Go duration: a sign, then a
// digit or a point. Anything else time.ParseDuration rejects, at the cost
// of an error value, which conditions on plain strings would pay often.
func durationStart(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	return s != "" && (s[0] == '.' || (s[0] >= '0' && s[0] <= '9'))
}

func parseDuration(key, value interface{}) (time.Duration, time.Duration, bool) {
	asDur := func(v interface{}) (time.Duration, bool) {
		s, ok := v.(string)
		if !ok || s == "0" || !durationStart(s) {
			return 0, false
		}
		d, err := time.ParseDuration(s)
		return d, err == nil
	}
	kd, kok := asDur(key)
	vd, vok := asDur(value)
	if !kok && !vok {
		return 0, 0, false
	}
	if !kok {
		f, ok := key.(float64)
		if !ok {
			return 0, 0, false
		}
		kd = time.Duration(f) * time.Second
	}
	if !vok {
		f, ok := value.(float64)
		if !ok {
			return 0, 0, false
		}
		vd = time.Duration(f) * time.Second
	}
	return kd, vd, true
}

// equal is Kyverno's Equals. ok is false when the types do not compare,
// which makes both Equals and NotEquals false, as in Kyverno.
func equal(key, value interface{}) (result, ok bool) {
	switch k := key.(type) {
	case bool:
		v, ok := value.(bool)
		return ok && k == v, ok
	case float64:
		switch v := value.(type) {
		case float64:
			return k == v, true
		case string:
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return false, false
			}
			return f == k, true
		}
		return false, false
	case string:
		if kd, vd, ok := parseDuration(k, value); ok {
			return kd.Seconds() == vd.Seconds(), true
		}
		if kq, err := quantity.Parse(k); err == nil {
			if vs, ok := value.(string); ok {
				vq, err := quantity.Parse(vs)
				if err != nil {
					return false, false
				}
				return kq.Equal(vq), true
			}
		}
		if v, ok := value.(string); ok {
			return wildcard.Match(v, k), true
		}
		return false, false
	case map[string]interface{}:
		v, ok := value.(map[string]interface{})
		return ok && reflect.DeepEqual(k, v), ok
	case []interface{}:
		v, ok := value.([]interface{})
		return ok && reflect.DeepEqual(k, v), ok
	}
	return false, false
}

// notEqual is Kyverno's NotEquals, which is not the negation of Equals:
// a key whose type Equals compares (bool, number, string, object, list)
// is not equal to a value of a type it cannot compare with, so a string
// key NotEquals a list value ("{{request.operation}}" NotEquals [DELETE])
// is true. A null key is neither equal nor not equal.
func notEqual(key, value interface{}) bool {
	if r, ok := equal(key, value); ok {
		return !r
	}
	switch key.(type) {
	case bool, float64, string, map[string]interface{}, []interface{}:
		return true
	}
	return false
}

func compare(o Operator, c int) bool {
	switch o {
	case GreaterThan, DurationGreaterThan:
		return c > 0
	case GreaterThanOrEquals, DurationGreaterThanOrEquals:
		return c >= 0
	case LessThan, DurationLessThan:
		return c < 0
	case LessThanOrEquals, DurationLessThanOrEquals:
		return c <= 0
	}
	return false
}

// cmpFloat is cmp.Compare but for NaN, which compares equal to every
// number here (no order holds), where cmp.Compare puts it first.
func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// numeric is Kyverno's GreaterThan family: durations first (they compare
// with numbers of seconds), then quantities, numbers and semver versions.
func numeric(o Operator, key, value interface{}) bool {
	switch k := key.(type) {
	case float64:
		return numericFloat(o, k, value)
	case string:
		if kd, vd, ok := parseDuration(k, value); ok {
			return compare(o, cmpFloat(kd.Seconds(), vd.Seconds()))
		}
		if vs, ok := value.(string); ok {
			if kq, err := quantity.Parse(k); err == nil {
				if vq, err := quantity.Parse(vs); err == nil {
					return compare(o, kq.Cmp(vq))
				}
			}
		}
		if f, err := strconv.ParseFloat(k, 64); err == nil {
			return numericFloat(o, f, value)
		}
		if kv, err := variables.ParseSemver(k); err == nil {
			vs, ok := value.(string)
			if !ok {
				return false
			}
			vv, err := variables.ParseSemver(vs)
			if err != nil {
				return false
			}
			return compare(o, kv.Compare(vv))
		}
	}
	return false
}

func numericFloat(o Operator, k float64, value interface{}) bool {
	switch v := value.(type) {
	case float64:
		return compare(o, cmpFloat(k, v))
	case string:
		if kd, vd, ok := parseDuration(k, v); ok {
			return compare(o, cmpFloat(kd.Seconds(), vd.Seconds()))
		}
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			return compare(o, cmpFloat(k, f))
		}
	}
	return false
}

// durationOp is the deprecated Duration* family: both sides are durations,
// numbers counting as seconds.
func durationOp(o Operator, key, value interface{}) bool {
	asDur := func(v interface{}) (time.Duration, bool) {
		switch t := v.(type) {
		case float64:
			return time.Duration(t) * time.Second, true
		case string:
			d, err := time.ParseDuration(t)
			return d, err == nil
		}
		return 0, false
	}
	kd, ok := asDur(key)
	if !ok {
		return false
	}
	vd, ok := asDur(value)
	if !ok {
		return false
	}
	return compare(o, cmpFloat(float64(kd), float64(vd)))
}

// keyStrings turns a list key into the strings the deprecated In and
// NotIn compare.
func keyStrings(k []interface{}) []string {
	out := make([]string, len(k))
	for i, v := range k {
		out[i] = fmt.Sprint(v)
	}
	return out
}

// legacyIn is the deprecated In and NotIn. A single key matches a list
// element used as a wildcard pattern or the value string as a pattern; a
// list key must be a subset of the value, compared exactly.
func legacyIn(key, value interface{}, not bool) bool {
	switch k := key.(type) {
	case string, float64:
		ks := fmt.Sprint(k)
		var found bool
		switch v := value.(type) {
		case []interface{}:
			for _, e := range v {
				if wildcard.Match(ks, fmt.Sprint(e)) || wildcard.Match(fmt.Sprint(e), ks) {
					found = true
					break
				}
			}
		case string:
			if wildcard.Match(v, ks) {
				found = true
				break
			}
			var arr []string
			if err := json.Unmarshal([]byte(v), &arr); err != nil {
				return false
			}
			for _, e := range arr {
				if e == ks {
					found = true
				}
			}
		default:
			return false
		}
		return found != not
	case []interface{}:
		keys := keyStrings(k)
		var values []string
		switch v := value.(type) {
		case []interface{}:
			for _, e := range v {
				s, ok := e.(string)
				if !ok {
					return false
				}
				values = append(values, s)
			}
		case string:
			if len(keys) == 1 && keys[0] == v {
				return !not
			}
			if err := json.Unmarshal([]byte(v), &values); err != nil {
				return false
			}
		default:
			return false
		}
		set := make(map[string]bool, len(values))
		for _, v := range values {
			set[v] = true
		}
		subset := true
		for _, k := range keys {
			if !set[k] {
				subset = false
				break
			}
		}
		return subset != not
	}
	return false
}
