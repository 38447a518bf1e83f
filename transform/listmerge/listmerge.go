package listmerge

import (
	"sort"
)

//go:generate go run ../../hack/genlistmerge -o table.go

// Schema is a position in a built-in type's schema. The zero Schema is no
// schema: a custom resource, a field the schema does not know, or one under
// which no list merges by key; its lists are replaced whole.
type Schema int32

type node struct {
	merge  bool
	keys   []string
	key    string
	fields []field // sorted by name
	any    Schema  // the values of a map (additionalProperties)
	elem   Schema  // the elements of a list
}

type field struct {
	name   string
	schema Schema
}

type root struct {
	apiVersion, kind string
	schema           Schema
}

// For returns the schema of a built-in type, or the zero Schema.
func For(apiVersion, kind string) Schema {
	i := sort.Search(len(roots), func(i int) bool {
		r := roots[i]
		return r.apiVersion > apiVersion || r.apiVersion == apiVersion && r.kind >= kind
	})
	if i < len(roots) && roots[i].apiVersion == apiVersion && roots[i].kind == kind {
		return roots[i].schema
	}
	return 0
}

// Field returns the schema of a field of an object, or of any value of a
// map, as kyaml's ResourceSchema.Field does.
func (s Schema) Field(name string) Schema {
	n := &nodes[s]
	i := sort.Search(len(n.fields), func(i int) bool { return n.fields[i].name >= name })
	if i < len(n.fields) && n.fields[i].name == name {
		return n.fields[i].schema
	}
	return n.any
}

// Elements returns the schema of the elements of a list.
func (s Schema) Elements() Schema { return nodes[s].elem }

// Merge tells whether a list merges element by element
// (x-kubernetes-patch-strategy has "merge") and by which keys: those of
// x-kubernetes-list-map-keys, else the patch merge key, else none (a set of
// scalars), as kyaml's PatchStrategyAndKeyList reads them.
func (s Schema) Merge() (merge bool, keys []string) {
	n := &nodes[s]
	return n.merge, n.keys
}

// MergeKey is the list's x-kubernetes-patch-merge-key when it merges
// element by element, else "", as kyaml's PatchStrategyAndKey reads it.
func (s Schema) MergeKey() string {
	if n := &nodes[s]; n.merge {
		return n.key
	}
	return ""
}
