// Package wildcard matches strings against Kyverno's wildcard patterns, where
// "*" stands for any run of characters and "?" for exactly one character
// (rune, not byte), with the semantics of Kyverno's ext/wildcard (the
// go-wildcard package). It is the one place such matching is written; it
// knows nothing about resources.
package wildcard
