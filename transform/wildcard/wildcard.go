package wildcard

import (
	"strings"
	"unicode/utf8"
)

// Match reports whether s matches pattern the way Kyverno's wildcard.Match
// does: "*" matches any run of runes (including none and including "/"),
// "?" exactly one rune, and every other rune itself; the empty pattern
// matches only the empty string. Runes are compared after decoding, so
// invalid UTF-8 bytes all read as utf8.RuneError, as in Kyverno's []rune
// conversion. It runs in O(len(pattern)*len(s)) at worst, with no recursion,
// so hostile patterns cannot blow up as Kyverno's recursive matcher can.
func Match(pattern, s string) bool {
	if pattern == s || pattern == "*" {
		return true
	}
	if !Contains(pattern) && utf8.ValidString(pattern) && utf8.ValidString(s) {
		return false
	}
	p, r := []rune(pattern), []rune(s)
	// Backtrack only to the last star: a later star can always take over
	// what an earlier one would have matched.
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(r) {
		switch {
		case pi < len(p) && p[pi] == '*':
			// A star in the pattern is always a wildcard, even where s
			// holds a literal "*".
			star, mark = pi, si
			pi++
		case pi < len(p) && (p[pi] == '?' || p[pi] == r[si]):
			pi++
			si++
		case star >= 0:
			pi = star + 1
			mark++
			si = mark
		default:
			return false
		}
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
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
