package apply

import (
	"encoding/json"
	"errors"
	"fmt"
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
// An operation changes nothing outside its path (and its from), so the
// patch is applied here to the deepest map that holds every operation's
// parent (patchRoot), encoded and decoded alone, and put back: the same
// resource, without encoding and decoding the rest of it. Where that part
// fails to patch, the whole resource is patched, which gives the library's
// own error. TestJSONPatchAtIsTheWholePatch holds the two to each other.
func (o *Object) JSONPatch(ops []Op) error {
	if len(ops) == 0 {
		return nil
	}
	if at := patchRoot(o.obj.Object, ops); len(at) > 0 {
		m, done, err := patchAt(o.obj.Object, at, ops)
		if err != nil {
			return err
		}
		if done {
			o.set(m)
			return nil
		}
	}
	m, err := patchDoc(o.obj.Object, patchOf(ops, ""))
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

// patchAt applies ops to the map at path at (patchRoot) and gives the
// resource with the result put back, copying the maps and lists along the
// path, never changing them. done is false when the part does not patch:
// the caller patches the whole resource.
func patchAt(obj map[string]any, at []string, ops []Op) (_ map[string]any, done bool, _ error) {
	part, _ := lookup(obj, at).(map[string]any)
	m, err := patchDoc(part, patchOf(ops, "/"+strings.Join(at, "/")))
	if err != nil {
		return nil, false, nil
	}
	if m == nil {
		// A "test" failed: the resource stays as it was.
		return obj, true, nil
	}
	out, ok := replaceAt(obj, at, m).(map[string]any)
	return out, ok, nil
}

// patchRoot is the path, as escaped tokens, of the deepest map of obj that
// holds the parent of every operation's path and from; nil when that is
// the resource itself, or when a path is not a JSON pointer.
func patchRoot(obj map[string]any, ops []Op) []string {
	var common []string
	for i, op := range ops {
		paths := []string{op.Path}
		if op.From != "" {
			paths = append(paths, op.From)
		}
		for j, path := range paths {
			if !strings.HasPrefix(path, "/") {
				return nil
			}
			tokens := strings.Split(path[1:], "/")
			parent := tokens[:len(tokens)-1]
			if i == 0 && j == 0 {
				common = parent
				continue
			}
			n := 0
			for n < len(common) && n < len(parent) && common[n] == parent[n] {
				n++
			}
			common = common[:n]
		}
	}
	// The deepest map along common: the patch may create what lies below.
	deepest := 0
	var v any = obj
	for i, t := range common {
		v = child(v, t)
		if v == nil {
			break
		}
		if _, ok := v.(map[string]any); ok {
			deepest = i + 1
		}
	}
	return common[:deepest]
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

func lookup(v any, at []string) any {
	for _, t := range at {
		v = child(v, t)
	}
	return v
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
		i, _ := strconv.Atoi(at[0]) // patchRoot checked it
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

// patchOf is ops for the json-patch library, their paths and froms made
// relative to prefix, an escaped JSON pointer that holds them.
func patchOf(ops []Op, prefix string) jsonpatch.Patch {
	p := make(jsonpatch.Patch, 0, len(ops))
	for _, op := range ops {
		p = append(p, op.operation(prefix))
	}
	return p
}

// operation is op for the json-patch library, its path and from made
// relative to prefix, an escaped JSON pointer that holds them.
func (op Op) operation(prefix string) jsonpatch.Operation {
	raw := func(s string) *json.RawMessage {
		b, _ := json.Marshal(s) // a string always marshals
		m := json.RawMessage(b)
		return &m
	}
	r := jsonpatch.Operation{"op": raw(op.Op), "path": raw(op.Path[len(prefix):])}
	if op.From != "" {
		r["from"] = raw(op.From[len(prefix):])
	}
	if op.Value != nil {
		v := op.Value
		r["value"] = &v
	}
	return r
}
