// Package jsonpatch applies a Kyverno mutate.patchesJson6902 — a YAML or JSON
// list of RFC 6902 operations (add, remove, replace, move, copy, test) — to
// one resource held as a *yaml.RNode, in place.
//
// It follows the options Kyverno passes to evanphx/json-patch: "add" creates
// missing parent maps and lists (EnsurePathExistsOnAdd), "remove" of a
// missing path is not an error (AllowMissingPathOnRemove), and list indexes
// may be negative, counted from the end (SupportNegativeIndices). Paths are
// JSON Pointers: "~1" is "/", "~0" is "~", "-" appends to a list.
//
// It must not convert documents to JSON and back: untouched nodes keep their
// order, comments and style. A patch either applies whole or leaves the
// resource unchanged. It does not substitute variables ({{ }}).
package jsonpatch
