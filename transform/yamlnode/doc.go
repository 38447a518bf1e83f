// Package yamlnode holds the go-yaml node helpers every package of the
// engine needs on the hot path, where kyaml's RNode pipes cost allocations:
// a mapping's field (Field, Lookup, Path), a scalar's text, aliases
// followed, and the one equality of two trees (Equal, EqualJSON). It reads
// nodes and never changes them.
package yamlnode
