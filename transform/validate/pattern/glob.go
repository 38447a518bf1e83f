package pattern

import (
	"strings"
	"unicode/utf8"
)

// hasWildcard reports whether s contains a wildcard character.
func hasWildcard(s string) bool {
	return strings.ContainsAny(s, "*?")
}

// glob matches s against a Kyverno wildcard pattern: '*' matches any run of
// characters (including none) and '?' exactly one character. Matching is by
// rune, like the go-wildcard package Kyverno uses, but runs in O(len(p) *
// len(s)) at worst with single-star backtracking instead of recursion, so a
// hostile pattern cannot make it exponential.
func glob(p, s string) bool {
	if p == "" {
		return s == ""
	}
	if p == "*" {
		return true
	}
	pi, si := 0, 0
	starP, starS := -1, -1
	for si < len(s) {
		if pi < len(p) {
			pr, pn := utf8.DecodeRuneInString(p[pi:])
			switch pr {
			case '*':
				starP, starS = pi, si
				pi += pn
				continue
			case '?':
				_, sn := utf8.DecodeRuneInString(s[si:])
				pi += pn
				si += sn
				continue
			default:
				sr, sn := utf8.DecodeRuneInString(s[si:])
				if sr == pr {
					pi += pn
					si += sn
					continue
				}
			}
		}
		if starP < 0 {
			return false
		}
		// Let the last star swallow one more rune and retry after it.
		_, sn := utf8.DecodeRuneInString(s[starS:])
		starS += sn
		si = starS
		pi = starP + 1
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}
