// Package yamlnode holds the few go-yaml node lookups every package of the
// engine needs on the hot path, where kyaml's RNode pipes cost allocations:
// a mapping's field, a scalar's text, aliases followed. It reads nodes and
// never changes them.
package yamlnode
