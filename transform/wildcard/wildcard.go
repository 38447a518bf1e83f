package wildcard

import "strings"

// Match reports whether s matches pattern. It runs in O(len(pattern)*len(s))
// at worst, with no recursion, so hostile patterns cannot blow up.
func Match(pattern, s string) bool {
	if !Contains(pattern) {
		return pattern == s
	}
	if pattern == "*" {
		return true
	}
	p, n := 0, 0
	star, mark := -1, 0
	for n < len(s) {
		switch {
		case p < len(pattern) && (pattern[p] == '?' || pattern[p] == s[n]):
			p++
			n++
		case p < len(pattern) && pattern[p] == '*':
			star, mark = p, n
			p++
		case star >= 0:
			p = star + 1
			mark++
			n = mark
		default:
			return false
		}
	}
	for p < len(pattern) && pattern[p] == '*' {
		p++
	}
	return p == len(pattern)
}

// Contains reports whether pattern has wildcard characters.
func Contains(pattern string) bool {
	return strings.ContainsAny(pattern, "*?")
}

// Any reports whether s matches any of the patterns.
func Any(patterns []string, s string) bool {
	for _, p := range patterns {
		if Match(p, s) {
			return true
		}
	}
	return false
}
