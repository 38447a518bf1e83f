package apply

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	jsonpatch "gopkg.in/evanphx/json-patch.v4"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	utiljson "k8s.io/apimachinery/pkg/util/json"
)

// Op is one JSON Patch operation as a JSONPatch{…} CEL value gives it.
type Op struct {
	Op, Path, From string
	// Value is the JSON of the value; nil when the operation has none.
	Value json.RawMessage
}

// JSONPatch applies ops in order, with the json-patch library the API
// server uses. A failed "test" operation leaves the resource as it was, as
// the API server does.
//
// The API server encodes the whole resource, patches it and decodes it.
// An operation reads and changes nothing outside its path and its from,
// and operations on disjoint parts of the resource commute, so the patch
// is applied here part by part (patchIn): each group of operations on one
// member of a map, or on one element of a list, is applied to that member
// alone, encoded and decoded without the rest of the resource, and put
// back. That gives the same resource. Where a part does not patch, the
// whole resource is patched, which gives the library's own error.
// TestJSONPatchAtIsTheWholePatch and FuzzJSONPatchAt hold the two to each
// other.
func (o *Object) JSONPatch(ops []Op) error {
	if len(ops) == 0 {
		return nil
	}
	if t, ok := tokenize(ops); ok {
		out, st := patchIn(o.obj.Object, t, 0)
		m, isMap := out.(map[string]any)
		switch {
		case st == patched && isMap:
			o.set(m)
			return nil
		case st == testFailed:
			return nil
		}
	}
	p := make(jsonpatch.Patch, 0, len(ops))
	for _, op := range ops {
		p = append(p, op.operation(op.Path, op.From))
	}
	m, err := patchDoc(o.obj.Object, p)
	if err != nil || m == nil {
		return err
	}
	o.set(m)
	return nil
}

// set makes m the resource, of which nothing is known yet.
func (o *Object) set(m map[string]any) {
	o.obj, o.typed, o.tc, o.valid = &unstructured.Unstructured{Object: m}, nil, nil, false
}

// patchDoc is the API server's patch of a whole resource: nil, nil when a
// "test" operation fails. The library panics on some operations (a
// replace of the root without a value): that is an error here.
func patchDoc(obj map[string]any, p jsonpatch.Patch) (_ map[string]any, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("JSON Patch: the json-patch library failed: %v", r)
		}
	}()
	doc, err := json.Marshal(obj)
	if err != nil {
		return nil, fmt.Errorf("JSON Patch: %w", err)
	}
	out, err := p.Apply(doc)
	if errors.Is(err, jsonpatch.ErrTestFailed) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("JSON Patch: %w", err)
	}
	var m map[string]any
	if err := utiljson.Unmarshal(out, &m); err != nil {
		return nil, fmt.Errorf("JSON Patch: %w", err)
	}
	if m == nil {
		return nil, errors.New("JSON Patch: the result is not an object")
	}
	return m, nil
}

// tokenOp is an operation with its path and from as escaped JSON pointer
// tokens.
type tokenOp struct {
	op         Op
	path, from []string
}

// tokens are the operation's path and, when it has one, its from.
func (t tokenOp) tokens() [][]string {
	if t.from == nil {
		return [][]string{t.path}
	}
	return [][]string{t.path, t.from}
}

// tokenize gives ops with their tokens; false when a path or from is not
// a JSON pointer or is the root: only the whole resource takes those.
func tokenize(ops []Op) ([]tokenOp, bool) {
	out := make([]tokenOp, 0, len(ops))
	for _, op := range ops {
		t := tokenOp{op: op}
		for _, ptr := range []*string{&op.Path, &op.From} {
			if ptr == &op.From && op.From == "" {
				break
			}
			if !strings.HasPrefix(*ptr, "/") {
				return nil, false
			}
			tokens := strings.Split((*ptr)[1:], "/")
			if ptr == &op.Path {
				t.path = tokens
			} else {
				t.from = tokens
			}
		}
		out = append(out, t)
	}
	return out, true
}

// status is how patchIn ended.
type status int

const (
	patched    status = iota
	testFailed        // a "test" operation failed: the patch is not applied
	failed            // the library refused an operation
	notHere           // the operations must be applied to a map above
)

// patchIn applies ops to v, the value depth tokens down their paths, and
// gives v patched, its maps and lists copied where they change, never
// changed in place. The operations are grouped by the member of v their
// paths and froms lie in: a group that works inside its member is applied
// to it (patchIn again), one that works on the member itself (adds,
// replaces or removes it) is applied to v with its other members left out
// (patchHere). Operations spread over several members, or on v itself,
// are applied to v together; when v is a list, whose members an operation
// may shift, the map above applies them (notHere).
func patchIn(v any, ops []tokenOp, depth int) (any, status) {
	_, isMap := v.(map[string]any)
	var keys []string
	groups := map[string][]tokenOp{}
	direct := map[string]bool{}
	for _, op := range ops {
		key, d, ok := memberOf(op, depth)
		if !ok || d && !isMap {
			return patchHere(v, ops, depth)
		}
		if _, seen := groups[key]; !seen {
			keys = append(keys, key)
		}
		groups[key] = append(groups[key], op)
		direct[key] = direct[key] || d
	}
	out := v
	for _, k := range keys {
		st := notHere
		if c := child(v, k); c != nil && !direct[k] {
			c, st = patchIn(c, groups[k], depth+1)
			if st == patched {
				out = replaceAt(out, []string{k}, c)
			}
		}
		if st == notHere {
			// The group's deepest map is v: it is patched there.
			out, st = patchHere(out, groups[k], depth)
		}
		if st != patched {
			return v, st
		}
	}
	return out, patched
}

// memberOf is the token at depth that every path and from of op passes
// through, and whether one of them ends there (the operation works on that
// member itself); false when one is v itself or above it, or they part.
func memberOf(op tokenOp, depth int) (key string, direct, ok bool) {
	for _, t := range op.tokens() {
		if len(t) <= depth || ok && t[depth] != key {
			return "", false, false
		}
		key, ok = t[depth], true
		direct = direct || len(t) == depth+1
	}
	return key, direct, ok
}

// patchHere applies ops to v, a map, their paths and froms made relative
// to it. Only the members they name are encoded and patched: an operation
// on a map's member reads and changes that member alone.
func patchHere(v any, ops []tokenOp, depth int) (any, status) {
	m, ok := v.(map[string]any)
	if !ok {
		return v, notHere
	}
	part, keys := m, []string(nil)
	if touched, ok := membersOf(ops, depth); ok {
		part = make(map[string]any, len(touched))
		for _, t := range touched {
			k := unescape(t)
			keys = append(keys, k)
			if x, ok := m[k]; ok {
				part[k] = x
			}
		}
	}
	rel := func(tokens []string) string {
		if tokens == nil {
			return ""
		}
		return "/" + strings.Join(tokens[depth:], "/")
	}
	p := make(jsonpatch.Patch, 0, len(ops))
	for _, t := range ops {
		p = append(p, t.op.operation(rel(t.path), rel(t.from)))
	}
	r, err := patchDoc(part, p)
	switch {
	case err != nil:
		return v, failed
	case r == nil:
		return v, testFailed
	case keys == nil:
		return r, patched
	}
	out := make(map[string]any, len(m)+len(keys))
	for k, x := range m {
		out[k] = x
	}
	for _, k := range keys {
		if x, ok := r[k]; ok {
			out[k] = x
		} else {
			delete(out, k)
		}
	}
	return out, patched
}

// membersOf are the tokens at depth the paths and froms of ops pass
// through; false when one of them is the value at depth itself or above.
func membersOf(ops []tokenOp, depth int) ([]string, bool) {
	var keys []string
	for _, op := range ops {
		for _, t := range op.tokens() {
			if len(t) <= depth {
				return nil, false
			}
			if !slices.Contains(keys, t[depth]) {
				keys = append(keys, t[depth])
			}
		}
	}
	return keys, true
}

// child is v's member at escaped token t: a map's key, or a list's
// element at a canonical decimal index; nil when there is none.
func child(v any, t string) any {
	switch c := v.(type) {
	case map[string]any:
		return c[unescape(t)]
	case []any:
		i, err := strconv.Atoi(t)
		if err != nil || i < 0 || i >= len(c) || strconv.Itoa(i) != t {
			return nil
		}
		return c[i]
	}
	return nil
}

// replaceAt is v with the value at path at replaced by m, v's maps and
// lists along the path copied.
func replaceAt(v any, at []string, m any) any {
	if len(at) == 0 {
		return m
	}
	switch c := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(c))
		for k, x := range c {
			out[k] = x
		}
		k := unescape(at[0])
		out[k] = replaceAt(c[k], at[1:], m)
		return out
	case []any:
		i, _ := strconv.Atoi(at[0]) // child found it
		out := append([]any(nil), c...)
		out[i] = replaceAt(c[i], at[1:], m)
		return out
	}
	return nil
}

// unescape is a JSON pointer token's text (RFC 6901).
func unescape(t string) string {
	if !strings.Contains(t, "~") {
		return t
	}
	return strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
}

// operation is op for the json-patch library, with path and from.
func (op Op) operation(path, from string) jsonpatch.Operation {
	raw := func(s string) *json.RawMessage {
		b, _ := json.Marshal(s) // a string always marshals
		m := json.RawMessage(b)
		return &m
	}
	r := jsonpatch.Operation{"op": raw(op.Op), "path": raw(path)}
	if from != "" {
		r["from"] = raw(from)
	}
	if op.Value != nil {
		v := op.Value
		r["value"] = &v
	}
	return r
}
