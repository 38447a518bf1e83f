// Package errlist is the one list-of-errors type the engine's loaders
// share: every problem found in a file set, reported together so that a
// user fixes them all in one go.
package errlist
