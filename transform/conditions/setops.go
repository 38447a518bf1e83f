package conditions

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/preadmit/preadmit/transform/validate/pattern"
	"github.com/preadmit/preadmit/transform/wildcard"
)

// setOp is AnyIn, AllIn, AnyNotIn and AllNotIn as Kyverno's handlers
// (pkg/engine/variables/operator/anyin.go, allin.go, anynotin.go,
// allnotin.go) define them, quirks included: a scalar key and a list key
// take different paths, a value string may be a wildcard, a range
// ("1024-2048", "-5-5", "0.5-1.5", "1Gi-2Gi") or a JSON array of strings,
// and a value of a type the path does not read makes the condition false
// whatever the operator.
func setOp(o Operator, key, value interface{}) bool {
	switch k := key.(type) {
	case string:
		return scalarSetOp(o, k, value)
	case float64, bool:
		return scalarSetOp(o, fmt.Sprint(k), value)
	case []interface{}:
		keys := make([]string, len(k))
		for i, v := range k {
			keys[i] = fmt.Sprint(v)
		}
		return listSetOp(o, keys, value)
	}
	return false
}

// scalarSetOp: for one key, the All and Any forms agree.
func scalarSetOp(o Operator, key string, value interface{}) bool {
	invalid, in := scalarIn(key, value)
	if invalid {
		return false
	}
	if o == AnyNotIn || o == AllNotIn {
		return !in
	}
	return in
}

// scalarIn is Kyverno's anyKeyExistsInArray: whether key is in value, and
// whether value has a type it cannot read.
func scalarIn(key string, value interface{}) (invalid, in bool) {
	switch v := value.(type) {
	case []interface{}:
		for _, e := range v {
			if matchEither(fmt.Sprint(e), key) {
				return false, true
			}
		}
		return false, false
	case string:
		if wildcard.Match(v, key) {
			return false, true
		}
		if pattern.IsInRange(v) {
			return false, inRange(key, v)
		}
		arr, ok := valueArray(v)
		if !ok {
			return true, false
		}
		for _, e := range arr {
			if e == key {
				return false, true
			}
		}
		return false, false
	}
	return true, false
}

// listSetOp is Kyverno's anySetExistsInArray and allSetExistsInArray.
func listSetOp(o Operator, keys []string, value interface{}) bool {
	switch v := value.(type) {
	case []interface{}:
		values := make([]string, len(v))
		for i, e := range v {
			values[i] = fmt.Sprint(e)
		}
		return setCompare(o, keys, values)
	case float64, bool:
		if o == AllIn || o == AllNotIn {
			return false // allSetExistsInArray reads no scalar value
		}
		return setCompare(o, keys, []string{fmt.Sprint(v)})
	case string:
		if len(keys) == 1 && keys[0] == v {
			return o == AnyIn || o == AllIn
		}
		if pattern.IsInRange(v) {
			return rangeSetOp(o, keys, v)
		}
		arr, ok := valueArray(v)
		if !ok {
			return false
		}
		return setCompare(o, keys, arr)
	}
	return false
}

// rangeSetOp compares a list key with a range value.
func rangeSetOp(o Operator, keys []string, r string) bool {
	count := func(r string) int {
		n := 0
		for _, k := range keys {
			if inRange(k, r) {
				n++
			}
		}
		return n
	}
	switch o {
	case AnyIn:
		return count(r) > 0
	case AllIn:
		return count(r) == len(keys)
	case AnyNotIn:
		// Kyverno turns "a-b" into "a!-b" (its first "-", so a negative
		// lower end makes it a different pattern) and asks whether any key
		// is in that.
		return count(strings.Replace(r, "-", "!-", 1)) > 0
	case AllNotIn:
		return count(r) == 0
	}
	return false
}

// inRange is Kyverno's handleRange: key matched as a string against the
// pattern r.
func inRange(key, r string) bool {
	v, err := pattern.ParseValue(r)
	if err != nil {
		return false
	}
	return v.MatchString(key)
}

// valueArray reads a value string as Kyverno does: valid JSON must be an
// array of strings (anything else, "5" or "true" included, is a type it
// cannot read), other text is a list of itself.
func valueArray(v string) ([]string, bool) {
	if !json.Valid([]byte(v)) {
		return []string{v}, true
	}
	var arr []string
	if err := json.Unmarshal([]byte(v), &arr); err != nil {
		return nil, false
	}
	return arr, true
}

func matchEither(a, b string) bool {
	return wildcard.Match(a, b) || wildcard.Match(b, a)
}

// setCompare is Kyverno's isAnyIn, isAllIn, isAnyNotIn and isAllNotIn.
func setCompare(o Operator, keys, values []string) bool {
	in := 0
	for _, k := range keys {
		for _, v := range values {
			if matchEither(k, v) {
				in++
				break
			}
		}
	}
	switch o {
	case AnyIn:
		return in > 0
	case AllIn:
		return in == len(keys)
	case AnyNotIn:
		return in < len(keys)
	case AllNotIn:
		return in == 0
	}
	return false
}
