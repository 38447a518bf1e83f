package variables

import "github.com/preadmit/preadmit/transform/wildcard"

// WildcardMatch is wildcard.Match. Use wildcard.Match: this stays only until
// transform/images, its last caller, moves next to its command.
func WildcardMatch(pattern, s string) bool { return wildcard.Match(pattern, s) }
