package schema

import (
	"encoding"
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// UnknownFields returns the fields of a decoded JSON or YAML document (maps
// of string keys, lists and scalars) that the Go type t, read through its
// json tags as encoding/json reads it, has no place for, each with the
// nearest field name t has there. It is the hint beside a strict decoder's
// "unknown field" for the files whose schema is a Go type (the KRM
// functionConfig, values files); values are left to the decoder.
func UnknownFields(doc interface{}, t reflect.Type) []FieldError {
	var errs []FieldError
	unknownFields(doc, t, "", &errs)
	sort.Slice(errs, func(i, j int) bool { return errs[i].Path < errs[j].Path })
	return errs
}

var (
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

func unknownFields(x interface{}, t reflect.Type, path string, errs *[]FieldError) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if p := reflect.PointerTo(t); p.Implements(jsonUnmarshaler) || p.Implements(textUnmarshaler) {
		return // the type decodes itself: its own errors say what is wrong
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := x.(map[string]interface{})
		if !ok {
			return
		}
		fields := jsonFields(t)
		names := make([]string, 0, len(fields))
		for n := range fields {
			names = append(names, n)
		}
		sort.Strings(names)
		for k, v := range m {
			ft, ok := lookupField(fields, k)
			if !ok {
				*errs = append(*errs, FieldError{Path: join(path, k), Unknown: true, Hint: nearest(k, names)})
				continue
			}
			unknownFields(v, ft, join(path, k), errs)
		}
	case reflect.Map:
		if m, ok := x.(map[string]interface{}); ok {
			for k, v := range m {
				unknownFields(v, t.Elem(), join(path, k), errs)
			}
		}
	case reflect.Slice, reflect.Array:
		if l, ok := x.([]interface{}); ok {
			for i, v := range l {
				unknownFields(v, t.Elem(), fmt.Sprintf("%s[%d]", path, i), errs)
			}
		}
	default:
	}
}

// jsonFields are the fields encoding/json decodes into a struct, by name,
// with embedded structs' fields promoted.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		if f.Anonymous && name == "" {
			et := f.Type
			if et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				for n, ft := range jsonFields(et) {
					out[n] = ft
				}
				continue
			}
		}
		if name == "" {
			name = f.Name
		}
		out[name] = f.Type
	}
	return out
}

// lookupField finds a key's field as encoding/json does: by exact name,
// else ignoring case; the hint is never stricter than the decoder.
func lookupField(fields map[string]reflect.Type, key string) (reflect.Type, bool) {
	if t, ok := fields[key]; ok {
		return t, true
	}
	for n, t := range fields {
		if strings.EqualFold(n, key) {
			return t, true
		}
	}
	return nil, false
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Nearest returns the candidate nearest to name, or "" when none is near
// enough to be the one meant; for hints beside lists of known names.
func Nearest(name string, candidates []string) string {
	return nearest(name, candidates)
}
