package variables

import (
	"cmp"
	"fmt"
	"strconv"
	"strings"
)

// version is a semantic version as github.com/blang/semver/v4 parses it,
// which Kyverno's semver_compare and comparison operators use.
type version struct {
	major, minor, patch uint64
	pre                 []string
}

// parseSemver parses "MAJOR.MINOR.PATCH[-PRE][+BUILD]" strictly.
func parseSemver(s string) (version, error) {
	var v version
	if s == "" {
		return v, fmt.Errorf("version string empty")
	}
	if i := strings.IndexByte(s, '+'); i >= 0 {
		if !validIdents(s[i+1:], false) {
			return v, fmt.Errorf("invalid build metadata in %q", s)
		}
		s = s[:i]
	}
	core := s
	if i := strings.IndexByte(s, '-'); i >= 0 {
		core = s[:i]
		pre := s[i+1:]
		if !validIdents(pre, true) {
			return v, fmt.Errorf("invalid prerelease in %q", s)
		}
		v.pre = strings.Split(pre, ".")
	}
	parts := strings.Split(core, ".")
	if len(parts) != 3 {
		return v, fmt.Errorf("no major, minor and patch version in %q", s)
	}
	nums := make([]uint64, 3)
	for i, p := range parts {
		if !isNum(p) || (len(p) > 1 && p[0] == '0') {
			return v, fmt.Errorf("invalid version number %q", p)
		}
		n, err := strconv.ParseUint(p, 10, 64)
		if err != nil {
			return v, err
		}
		nums[i] = n
	}
	v.major, v.minor, v.patch = nums[0], nums[1], nums[2]
	return v, nil
}

func isNum(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func validIdents(s string, pre bool) bool {
	for _, id := range strings.Split(s, ".") {
		if id == "" {
			return false
		}
		for i := 0; i < len(id); i++ {
			if !identChar(id[i]) {
				return false
			}
		}
		if pre && isNum(id) && len(id) > 1 && id[0] == '0' {
			return false
		}
	}
	return true
}

// compare orders versions by semver precedence.
func (v version) compare(o version) int {
	if c := cmp.Compare(v.major, o.major); c != 0 {
		return c
	}
	if c := cmp.Compare(v.minor, o.minor); c != 0 {
		return c
	}
	if c := cmp.Compare(v.patch, o.patch); c != 0 {
		return c
	}
	switch {
	case len(v.pre) == 0 && len(o.pre) == 0:
		return 0
	case len(v.pre) == 0:
		return 1
	case len(o.pre) == 0:
		return -1
	}
	for i := 0; i < len(v.pre) && i < len(o.pre); i++ {
		a, b := v.pre[i], o.pre[i]
		an, bn := isNum(a), isNum(b)
		switch {
		case an && bn:
			x, _ := strconv.ParseUint(a, 10, 64)
			y, _ := strconv.ParseUint(b, 10, 64)
			if c := cmp.Compare(x, y); c != 0 {
				return c
			}
		case an:
			return -1
		case bn:
			return 1
		default:
			if c := strings.Compare(a, b); c != 0 {
				return c
			}
		}
	}
	return cmp.Compare(len(v.pre), len(o.pre))
}

type comparator struct {
	op string
	v  version
}

func (c comparator) match(v version) bool {
	r := v.compare(c.v)
	switch c.op {
	case "", "=", "==":
		return r == 0
	case "!=":
		return r != 0
	case ">":
		return r > 0
	case ">=":
		return r >= 0
	case "<":
		return r < 0
	case "<=":
		return r <= 0
	}
	return false
}

// semverRange is an OR of ANDs of comparisons, as blang/semver's
// ParseRange reads ">1.0.0 <2.0.0 || >=3.0.0". Wildcards ("1.x", "1.2.*")
// expand as blang expands them.
type semverRange [][]comparator

func (r semverRange) match(v version) bool {
	for _, and := range r {
		ok := true
		for _, c := range and {
			if !c.match(v) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func parseRange(s string) (semverRange, error) {
	var out semverRange
	for _, or := range strings.Split(s, "||") {
		fields := strings.Fields(or)
		// Join an operator written apart from its version: "> 1.0.0".
		var toks []string
		for i := 0; i < len(fields); i++ {
			f := fields[i]
			if strings.Trim(f, "<>=!") == "" && i+1 < len(fields) {
				f += fields[i+1]
				i++
			}
			toks = append(toks, f)
		}
		if len(toks) == 0 {
			return nil, fmt.Errorf("could not get version from string: %q", or)
		}
		var ands [][]comparator
		for _, t := range toks {
			cs, err := parseComparator(t)
			if err != nil {
				return nil, err
			}
			ands = append(ands, cs...)
		}
		// A "!=1.x" expands into an OR; distribute it.
		out = append(out, distribute(ands)...)
	}
	return out, nil
}

func distribute(groups [][]comparator) semverRange {
	res := semverRange{{}}
	for _, g := range groups {
		if len(g) == 1 || g[0].op != "|" {
			for i := range res {
				res[i] = append(res[i], g...)
			}
			continue
		}
		var next semverRange
		for _, r := range res {
			for _, alt := range g[1:] {
				c := append(append([]comparator{}, r...), alt)
				next = append(next, c)
			}
		}
		res = next
	}
	return res
}

// parseComparator parses one "op version" term. It returns a group of
// comparators to AND, or a group headed by op "|" whose members are ORed.
func parseComparator(t string) ([][]comparator, error) {
	i := 0
	for i < len(t) && strings.IndexByte("<>=!", t[i]) >= 0 {
		i++
	}
	op, vs := t[:i], t[i:]
	switch op {
	case "", "=", "==", "!=", ">", ">=", "<", "<=":
	default:
		return nil, fmt.Errorf("invalid operator %q in %q", op, t)
	}
	parts := strings.SplitN(vs, ".", 3)
	wild := -1
	for j, p := range parts {
		if p == "x" || p == "X" || p == "*" {
			wild = j
			break
		}
	}
	if wild < 0 {
		v, err := parseSemver(vs)
		if err != nil {
			return nil, err
		}
		return [][]comparator{{{op: op, v: v}}}, nil
	}
	if wild == 0 {
		return [][]comparator{{{op: ">=", v: version{}}}}, nil
	}
	nums := make([]uint64, wild)
	for j := 0; j < wild; j++ {
		n, err := strconv.ParseUint(parts[j], 10, 64)
		if err != nil {
			return nil, fmt.Errorf("invalid version %q", vs)
		}
		nums[j] = n
	}
	lo := version{major: nums[0]}
	hi := version{major: nums[0] + 1}
	if wild == 2 {
		lo.minor = nums[1]
		hi = version{major: nums[0], minor: nums[1] + 1}
	}
	switch op {
	case "", "=", "==":
		return [][]comparator{{{op: ">=", v: lo}}, {{op: "<", v: hi}}}, nil
	case "!=":
		return [][]comparator{{{op: "|"}, {op: "<", v: lo}, {op: ">=", v: hi}}}, nil
	case ">":
		return [][]comparator{{{op: ">=", v: hi}}}, nil
	case ">=":
		return [][]comparator{{{op: ">=", v: lo}}}, nil
	case "<":
		return [][]comparator{{{op: "<", v: lo}}}, nil
	default: // "<="
		return [][]comparator{{{op: "<", v: hi}}}, nil
	}
}

// jpSemverCompare reports whether the version (first argument) satisfies
// the range (second). An unparsable version counts as 0.0.0, as in Kyverno.
func jpSemverCompare(a []interface{}) (interface{}, error) {
	s, err := strs("semver_compare", a, 2)
	if err != nil {
		return nil, err
	}
	v, _ := parseSemver(s[0])
	r, err := parseRange(s[1])
	if err != nil {
		return nil, err
	}
	return r.match(v), nil
}

// Version is a parsed semantic version, for the condition operators.
type Version struct{ v version }

// ParseSemver parses a strict semantic version (MAJOR.MINOR.PATCH with
// optional prerelease and build metadata).
func ParseSemver(s string) (Version, error) {
	v, err := parseSemver(s)
	return Version{v}, err
}

// Compare returns -1, 0 or 1 as v sorts before, with or after o.
func (v Version) Compare(o Version) int { return v.v.compare(o.v) }

// identChar reports whether c may stand in a pre-release or build
// identifier: [0-9A-Za-z-].
func identChar(c byte) bool {
	return c == '-' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
