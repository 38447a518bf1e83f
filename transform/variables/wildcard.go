package variables

// WildcardMatch reports whether s matches pattern, where "*" matches any
// sequence of characters (including none) and "?" exactly one character.
// This is the matching Kyverno uses for pattern_match and the condition
// operators.
func WildcardMatch(pattern, s string) bool {
	p, r := []rune(pattern), []rune(s)
	// Iterative matching with backtracking to the last star: linear in
	// practice and never exponential.
	pi, si, star, mark := 0, 0, -1, 0
	for si < len(r) {
		switch {
		case pi < len(p) && (p[pi] == '?' || p[pi] == r[si]):
			pi++
			si++
		case pi < len(p) && p[pi] == '*':
			star, mark = pi, si
			pi++
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
