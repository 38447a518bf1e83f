package variables

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	// Imported as functions: this file declares the function table.
	functions "github.com/kyverno/go-jmespath"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/preadmit/preadmit/transform/wildcard"
)

// Error formats of Kyverno's custom functions.
const (
	errorPrefix              = "JMESPath function '%s': "
	invalidArgumentTypeError = errorPrefix + "argument #%d is not of type %s"
	genericError             = errorPrefix + "%s"
	zeroDivisionError        = errorPrefix + "Zero divisor passed"
	nonIntModuloError        = errorPrefix + "Non-integer argument(s) passed for modulo"
	typeMismatchError        = errorPrefix + "Types mismatch"
	nonIntRoundError         = errorPrefix + "Non-integer argument(s) passed for round off"
)

func fnErr(format, fn string, args ...interface{}) error {
	return fmt.Errorf(format, append([]interface{}{fn}, args...)...)
}

var (
	tString = []functions.JpType{functions.JpString}
	tNumber = []functions.JpType{functions.JpNumber}
	tAny    = []functions.JpType{functions.JpAny}
	tObject = []functions.JpType{functions.JpObject}
	tArray  = []functions.JpType{functions.JpArray}
	tStrNum = []functions.JpType{functions.JpString, functions.JpNumber}
	tObjArr = []functions.JpType{functions.JpObject, functions.JpArray}
)

func args(types ...[]functions.JpType) []functions.ArgSpec {
	out := make([]functions.ArgSpec, len(types))
	for i, t := range types {
		out[i] = functions.ArgSpec{Types: t}
	}
	return out
}

// functionTable returns Kyverno's function library (pkg/engine/jmespath's
// GetFunctions), registered over the interpreter's built-ins.
func functionTable(e *env) []functions.FunctionEntry {
	return append([]functions.FunctionEntry(nil),
		functions.FunctionEntry{Name: "compare", Arguments: args(tString, tString), Handler: jpCompare},
		functions.FunctionEntry{Name: "equal_fold", Arguments: args(tString, tString), Handler: jpEqualFold},
		functions.FunctionEntry{Name: "replace", Arguments: args(tString, tString, tString, tNumber), Handler: jpReplace},
		functions.FunctionEntry{Name: "replace_all", Arguments: args(tString, tString, tString), Handler: jpReplaceAll},
		functions.FunctionEntry{Name: "to_upper", Arguments: args(tString), Handler: jpToUpper},
		functions.FunctionEntry{Name: "to_lower", Arguments: args(tString), Handler: jpToLower},
		functions.FunctionEntry{Name: "trim", Arguments: args(tString, tString), Handler: jpTrim},
		functions.FunctionEntry{Name: "trim_prefix", Arguments: args(tString, tString), Handler: jpTrimPrefix},
		functions.FunctionEntry{Name: "split", Arguments: args(tString, tString), Handler: jpSplit},
		functions.FunctionEntry{Name: "regex_replace_all", Arguments: args(tString, tStrNum, tStrNum), Handler: jpRegexReplaceAll},
		functions.FunctionEntry{Name: "regex_replace_all_literal", Arguments: args(tString, tStrNum, tStrNum), Handler: jpRegexReplaceAllLiteral},
		functions.FunctionEntry{Name: "regex_match", Arguments: args(tString, tStrNum), Handler: jpRegexMatch},
		functions.FunctionEntry{Name: "pattern_match", Arguments: args(tString, tStrNum), Handler: jpPatternMatch},
		functions.FunctionEntry{Name: "label_match", Arguments: args(tObject, tObject), Handler: jpLabelMatch},
		functions.FunctionEntry{Name: "to_boolean", Arguments: args(tString), Handler: jpToBoolean},
		functions.FunctionEntry{Name: "add", Arguments: args(tAny, tAny), Handler: jpAdd},
		functions.FunctionEntry{Name: "sum", Arguments: args(tArray), Handler: jpSum},
		functions.FunctionEntry{Name: "subtract", Arguments: args(tAny, tAny), Handler: jpSubtract},
		functions.FunctionEntry{Name: "multiply", Arguments: args(tAny, tAny), Handler: jpMultiply},
		functions.FunctionEntry{Name: "divide", Arguments: args(tAny, tAny), Handler: jpDivide},
		functions.FunctionEntry{Name: "modulo", Arguments: args(tAny, tAny), Handler: jpModulo},
		functions.FunctionEntry{Name: "round", Arguments: args(tNumber, tNumber), Handler: jpRound},
		functions.FunctionEntry{Name: "base64_decode", Arguments: args(tString), Handler: jpBase64Decode},
		functions.FunctionEntry{Name: "base64_encode", Arguments: args(tString), Handler: jpBase64Encode},
		functions.FunctionEntry{Name: "path_canonicalize", Arguments: args(tString), Handler: jpPathCanonicalize},
		functions.FunctionEntry{Name: "truncate", Arguments: args(tString, tNumber), Handler: jpTruncate},
		functions.FunctionEntry{Name: "semver_compare", Arguments: args(tString, tString), Handler: jpSemverCompare},
		functions.FunctionEntry{Name: "parse_json", Arguments: args(tString), Handler: jpParseJSON},
		functions.FunctionEntry{Name: "parse_yaml", Arguments: args(tString), Handler: jpParseYAML},
		functions.FunctionEntry{Name: "lookup", Arguments: args(tObjArr, tStrNum), Handler: jpLookup},
		functions.FunctionEntry{Name: "items", Arguments: args(tObjArr, tString, tString), Handler: jpItems},
		functions.FunctionEntry{Name: "object_from_lists", Arguments: args(tArray, tArray), Handler: jpObjectFromLists},
		functions.FunctionEntry{Name: "random", Arguments: args(tString), Handler: e.jpRandom},
		functions.FunctionEntry{Name: "x509_decode", Arguments: args(tString), Handler: jpX509Decode},
		functions.FunctionEntry{Name: "image_normalize", Arguments: args(tString), Handler: jpImageNormalize},
		functions.FunctionEntry{Name: "time_since", Arguments: args(tString, tString, tString), Handler: e.jpTimeSince},
		functions.FunctionEntry{Name: "time_now", Handler: e.jpTimeNow},
		functions.FunctionEntry{Name: "time_now_utc", Handler: e.jpTimeNowUtc},
		functions.FunctionEntry{Name: "time_to_cron", Arguments: args(tString), Handler: jpTimeToCron},
		functions.FunctionEntry{Name: "time_add", Arguments: args(tString, tString), Handler: jpTimeAdd},
		functions.FunctionEntry{Name: "time_parse", Arguments: args(tString, tString), Handler: jpTimeParse},
		functions.FunctionEntry{Name: "time_utc", Arguments: args(tString), Handler: jpTimeUtc},
		functions.FunctionEntry{Name: "time_diff", Arguments: args(tString, tString), Handler: jpTimeDiff},
		functions.FunctionEntry{Name: "time_before", Arguments: args(tString, tString), Handler: jpTimeBefore},
		functions.FunctionEntry{Name: "time_after", Arguments: args(tString, tString), Handler: jpTimeAfter},
		functions.FunctionEntry{Name: "time_between", Arguments: args(tString, tString, tString), Handler: jpTimeBetween},
		functions.FunctionEntry{Name: "time_truncate", Arguments: args(tString, tString), Handler: jpTimeTruncate},
		functions.FunctionEntry{Name: "is_external_url", Arguments: args(tString), Handler: jpIsExternalURL},
		functions.FunctionEntry{Name: "sha256", Arguments: args(tString), Handler: jpSha256},
		functions.FunctionEntry{Name: "sha1", Arguments: args(tString), Handler: jpSha1},
		functions.FunctionEntry{Name: "md5", Arguments: args(tString), Handler: jpMd5},
	)
}

func strArg(fn string, a []interface{}, i int) (string, error) {
	if i >= len(a) {
		return "", fmt.Errorf(errorPrefix+"%d argument is out of bounds (%d)", fn, i+1, len(a))
	}
	s, ok := a[i].(string)
	if !ok {
		return "", fnErr(invalidArgumentTypeError, fn, i+1, "string")
	}
	return s, nil
}

func numArg(fn string, a []interface{}, i int) (float64, error) {
	if i >= len(a) {
		return 0, fmt.Errorf(errorPrefix+"%d argument is out of bounds (%d)", fn, i+1, len(a))
	}
	f, ok := a[i].(float64)
	if !ok {
		return 0, fnErr(invalidArgumentTypeError, fn, i+1, "float64")
	}
	return f, nil
}

func strs(fn string, a []interface{}, n int) ([]string, error) {
	out := make([]string, n)
	for i := range out {
		s, err := strArg(fn, a, i)
		if err != nil {
			return nil, err
		}
		out[i] = s
	}
	return out, nil
}

// ifaceToString is Kyverno's conversion of string-or-number arguments.
// Numbers are printed with float32 precision, as Kyverno does.
func ifaceToString(v interface{}) (string, error) {
	switch i := v.(type) {
	case int:
		return strconv.Itoa(i), nil
	case float64:
		return strconv.FormatFloat(i, 'f', -1, 32), nil
	case string:
		return i, nil
	case bool:
		return strconv.FormatBool(i), nil
	}
	return "", errors.New("error, undefined type cast")
}

func intNumber(f float64) (int, error) {
	if math.IsInf(f, 0) || math.IsNaN(f) || math.Trunc(f) != f {
		return 0, fmt.Errorf("expected an integer number but got: %g", f)
	}
	i := int(f)
	if float64(i) != f {
		return 0, fmt.Errorf("number is outside the range of integer numbers: %g", f)
	}
	return i, nil
}

func jpCompare(a []interface{}) (interface{}, error) {
	s, err := strs("compare", a, 2)
	if err != nil {
		return nil, err
	}
	return float64(strings.Compare(s[0], s[1])), nil
}

func jpEqualFold(a []interface{}) (interface{}, error) {
	s, err := strs("equal_fold", a, 2)
	if err != nil {
		return nil, err
	}
	return strings.EqualFold(s[0], s[1]), nil
}

func jpReplace(a []interface{}) (interface{}, error) {
	s, err := strs("replace", a, 3)
	if err != nil {
		return nil, err
	}
	n, err := numArg("replace", a, 3)
	if err != nil {
		return nil, err
	}
	return strings.Replace(s[0], s[1], s[2], int(n)), nil
}

func jpReplaceAll(a []interface{}) (interface{}, error) {
	s, err := strs("replace_all", a, 3)
	if err != nil {
		return nil, err
	}
	return strings.ReplaceAll(s[0], s[1], s[2]), nil
}

func jpToUpper(a []interface{}) (interface{}, error) {
	s, err := strArg("to_upper", a, 0)
	return strings.ToUpper(s), err
}

func jpToLower(a []interface{}) (interface{}, error) {
	s, err := strArg("to_lower", a, 0)
	return strings.ToLower(s), err
}

func jpTrim(a []interface{}) (interface{}, error) {
	s, err := strs("trim", a, 2)
	if err != nil {
		return nil, err
	}
	return strings.Trim(s[0], s[1]), nil
}

func jpTrimPrefix(a []interface{}) (interface{}, error) {
	s, err := strs("trim_prefix", a, 2)
	if err != nil {
		return nil, err
	}
	return strings.TrimPrefix(s[0], s[1]), nil
}

func jpSplit(a []interface{}) (interface{}, error) {
	s, err := strs("split", a, 2)
	if err != nil {
		return nil, err
	}
	parts := strings.Split(s[0], s[1])
	out := make([]interface{}, len(parts))
	for i, p := range parts {
		out[i] = p
	}
	return out, nil
}

func regexArgs(fn string, a []interface{}, n int) (*regexp.Regexp, []string, error) {
	re, err := strArg(fn, a, 0)
	if err != nil {
		return nil, nil, err
	}
	rest := make([]string, n)
	for i := range rest {
		if i+1 >= len(a) {
			return nil, nil, fnErr(invalidArgumentTypeError, fn, i+2, "String or Real")
		}
		s, err := ifaceToString(a[i+1])
		if err != nil {
			return nil, nil, fnErr(invalidArgumentTypeError, fn, i+2, "String or Real")
		}
		rest[i] = s
	}
	r, err := regexp.Compile(re)
	if err != nil {
		return nil, nil, fnErr(genericError, fn, err.Error())
	}
	return r, rest, nil
}

func jpRegexReplaceAll(a []interface{}) (interface{}, error) {
	r, s, err := regexArgs("regex_replace_all", a, 2)
	if err != nil {
		return nil, err
	}
	return r.ReplaceAllString(s[0], s[1]), nil
}

func jpRegexReplaceAllLiteral(a []interface{}) (interface{}, error) {
	r, s, err := regexArgs("regex_replace_all_literal", a, 2)
	if err != nil {
		return nil, err
	}
	return r.ReplaceAllLiteralString(s[0], s[1]), nil
}

func jpRegexMatch(a []interface{}) (interface{}, error) {
	r, s, err := regexArgs("regex_match", a, 1)
	if err != nil {
		return nil, err
	}
	return r.MatchString(s[0]), nil
}

func jpPatternMatch(a []interface{}) (interface{}, error) {
	p, err := strArg("pattern_match", a, 0)
	if err != nil {
		return nil, err
	}
	if len(a) < 2 {
		return nil, fnErr(invalidArgumentTypeError, "pattern_match", 2, "String or Real")
	}
	s, err := ifaceToString(a[1])
	if err != nil {
		return nil, fnErr(invalidArgumentTypeError, "pattern_match", 2, "String or Real")
	}
	return wildcard.Match(p, s), nil
}

func jpLabelMatch(a []interface{}) (interface{}, error) {
	labels, ok := a[0].(map[string]interface{})
	if !ok {
		return nil, fnErr(invalidArgumentTypeError, "label_match", 0, "Object")
	}
	match, ok := a[1].(map[string]interface{})
	if !ok {
		return nil, fnErr(invalidArgumentTypeError, "label_match", 1, "Object")
	}
	for k, v := range labels {
		if mv, ok := match[k]; !ok || !scalarEqual(mv, v) {
			return false, nil
		}
	}
	return true, nil
}

// scalarEqual is Go's == on interface values without panicking on maps
// and slices (which Kyverno's == would panic on).
func scalarEqual(a, b interface{}) bool {
	switch a.(type) {
	case map[string]interface{}, []interface{}:
		return false
	}
	switch b.(type) {
	case map[string]interface{}, []interface{}:
		return false
	}
	return a == b
}

func jpToBoolean(a []interface{}) (interface{}, error) {
	s, err := strArg("to_boolean", a, 0)
	if err != nil {
		return nil, err
	}
	switch strings.ToLower(s) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	}
	return nil, fnErr(genericError, "to_boolean", fmt.Sprintf("lowercase argument must be 'true' or 'false' (provided: '%s')", s))
}

func jpRound(a []interface{}) (interface{}, error) {
	f, err := numArg("round", a, 0)
	if err != nil {
		return nil, err
	}
	l, err := numArg("round", a, 1)
	if err != nil {
		return nil, err
	}
	n, err := intNumber(l)
	if err != nil {
		return nil, fnErr(nonIntRoundError, "round")
	}
	if n < 0 {
		return nil, fnErr(genericError, "round", "decimal places must not be negative")
	}
	shift := math.Pow(10, float64(n))
	return math.Round(f*shift) / shift, nil
}

func jpBase64Decode(a []interface{}) (interface{}, error) {
	s, err := strArg("base64_decode", a, 0)
	if err != nil {
		return nil, err
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

func jpBase64Encode(a []interface{}) (interface{}, error) {
	s, err := strArg("base64_encode", a, 0)
	if err != nil {
		return nil, err
	}
	return base64.StdEncoding.EncodeToString([]byte(s)), nil
}

func jpPathCanonicalize(a []interface{}) (interface{}, error) {
	s, err := strArg("path_canonicalize", a, 0)
	if err != nil {
		return nil, err
	}
	return filepath.Join(s), nil
}

// jpTruncate keeps the first n characters (runes), as
// github.com/aquilax/truncate's CutStrategy does for Kyverno.
func jpTruncate(a []interface{}) (interface{}, error) {
	s, err := strArg("truncate", a, 0)
	if err != nil {
		return nil, err
	}
	l, err := numArg("truncate", a, 1)
	if err != nil {
		return nil, err
	}
	n := int(math.Max(0, math.Min(l, float64(len(s)))))
	if utf8.RuneCountInString(s) <= n {
		return s, nil
	}
	return string([]rune(s)[:n]), nil
}

func jpParseJSON(a []interface{}) (interface{}, error) {
	s, err := strArg("parse_json", a, 0)
	if err != nil {
		return nil, err
	}
	var out interface{}
	err = json.Unmarshal([]byte(s), &out)
	return out, err
}

func jpParseYAML(a []interface{}) (interface{}, error) {
	s, err := strArg("parse_yaml", a, 0)
	if err != nil {
		return nil, err
	}
	j, err := sigsyaml.YAMLToJSON([]byte(s))
	if err != nil {
		return nil, err
	}
	var out interface{}
	err = json.Unmarshal(j, &out)
	return out, err
}

func jpLookup(a []interface{}) (interface{}, error) {
	switch in := a[0].(type) {
	case map[string]interface{}:
		k, ok := a[1].(string)
		if !ok {
			return nil, fnErr(invalidArgumentTypeError, "lookup", 2, "String")
		}
		return in[k], nil
	case []interface{}:
		k, ok := a[1].(float64)
		if !ok {
			return nil, fnErr(invalidArgumentTypeError, "lookup", 2, "Number")
		}
		i, err := intNumber(k)
		if err != nil {
			return nil, fmt.Errorf("JMESPath function 'lookup': argument #2: %s", err.Error())
		}
		if i < 0 || i >= len(in) {
			return nil, nil
		}
		return in[i], nil
	}
	return nil, fnErr(invalidArgumentTypeError, "lookup", 1, "Object or Array")
}

func jpItems(a []interface{}) (interface{}, error) {
	kn, ok := a[1].(string)
	if !ok {
		return nil, fnErr(invalidArgumentTypeError, "items", 2, "String")
	}
	vn, ok := a[2].(string)
	if !ok {
		return nil, fnErr(invalidArgumentTypeError, "items", 3, "String")
	}
	switch in := a[0].(type) {
	case map[string]interface{}:
		keys := make([]string, 0, len(in))
		for k := range in {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		out := make([]interface{}, 0, len(in))
		for _, k := range keys {
			out = append(out, map[string]interface{}{kn: k, vn: in[k]})
		}
		return out, nil
	case []interface{}:
		out := make([]interface{}, 0, len(in))
		for i, v := range in {
			out = append(out, map[string]interface{}{kn: float64(i), vn: v})
		}
		return out, nil
	}
	return nil, fnErr(invalidArgumentTypeError, "items", 1, "Object or Array")
}

func jpObjectFromLists(a []interface{}) (interface{}, error) {
	keys, ok := a[0].([]interface{})
	if !ok {
		return nil, fnErr(invalidArgumentTypeError, "object_from_lists", 1, "Array")
	}
	values, ok := a[1].([]interface{})
	if !ok {
		return nil, fnErr(invalidArgumentTypeError, "object_from_lists", 2, "Array")
	}
	out := make(map[string]interface{}, len(keys))
	for i, ik := range keys {
		k, err := ifaceToString(ik)
		if err != nil {
			return nil, fnErr(invalidArgumentTypeError, "object_from_lists", 1, "StringArray")
		}
		if i < len(values) {
			out[k] = values[i]
		} else {
			out[k] = nil
		}
	}
	return out, nil
}

func jpImageNormalize(a []interface{}) (interface{}, error) {
	s, err := strArg("image_normalize", a, 0)
	if err != nil {
		return nil, err
	}
	info, err := ParseImage(s)
	if err != nil {
		return nil, fnErr(genericError, "image_normalize", err)
	}
	return info.String(), nil
}
