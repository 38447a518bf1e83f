package apply

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unsafe"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"k8s.io/apiserver/pkg/cel/mutation/dynamic"
)

// The API server's Object{…} value (dynamic.ObjectVal) converts itself to
// a map by converting each nested Object{…} three times over (convertField
// asks for its Value twice before converting it), and its type-name check
// converts every nested Object{…} again: the cost grows as 3^depth, and a
// pod controller's template is seven levels deep. The functions here give
// the same values and errors as ObjectVal.Value and
// ObjectVal.CheckTypeNamesMatchFieldPathNames, step for step, but read each
// Object's fields once. ObjectVal keeps its fields unexported; when a
// library version no longer has them as this file expects, objectFields
// says so and the API server's own methods are used.

var (
	mapType = reflect.TypeFor[map[string]any]()
	// fieldsOffset is the offset of ObjectVal.fields, or all ones when it
	// has none.
	fieldsOffset = func() uintptr {
		f, ok := reflect.TypeFor[dynamic.ObjectVal]().FieldByName("fields")
		if !ok || f.Type != reflect.TypeFor[map[string]ref.Val]() {
			return ^uintptr(0)
		}
		return f.Offset
	}()
)

// objectFields gives the fields of an Object{…} value.
func objectFields(ov *dynamic.ObjectVal) (map[string]ref.Val, bool) {
	if fieldsOffset == ^uintptr(0) || ov == nil {
		return nil, false
	}
	return *(*map[string]ref.Val)(unsafe.Add(unsafe.Pointer(ov), fieldsOffset)), true
}

// objectNative is ov.ConvertToNative(map[string]any).
func objectNative(ov *dynamic.ObjectVal) (map[string]any, error) {
	fields, ok := objectFields(ov)
	if !ok {
		m, err := ov.ConvertToNative(mapType)
		if err != nil {
			return nil, err
		}
		return m.(map[string]any), nil
	}
	result := make(map[string]any, len(fields))
	for k, f := range fields {
		c, err := convertField(f)
		if err != nil {
			return nil, fmt.Errorf("fail to convert field %q: %w", k, err)
		}
		result[k] = c
	}
	return result, nil
}

// valueOf is v.Value().
func valueOf(v ref.Val) any {
	ov, ok := v.(*dynamic.ObjectVal)
	if !ok {
		return v.Value()
	}
	m, err := objectNative(ov)
	if err != nil {
		return types.WrapErr(err)
	}
	return m
}

// convertField is the API server's dynamic.convertField.
func convertField(value ref.Val) (any, error) {
	if _, ok := value.(*dynamic.ObjectVal); ok {
		// An Object's Value is a map[string]any (or an error value), and
		// an Object is neither a Lister nor a Mapper.
		return valueOf(value), nil
	}
	native := value.Value()
	if list, ok := native.([]ref.Val); ok {
		var result []any
		for _, v := range list {
			result = append(result, valueOf(v))
		}
		return result, nil
	}
	if m, ok := native.(map[ref.Val]ref.Val); ok {
		result := make(map[string]any, len(m))
		for k, v := range m {
			key, ok := k.Value().(string)
			if !ok {
				return nil, fmt.Errorf("map key %q is of type %T, not string", k, k)
			}
			result[key] = valueOf(v)
		}
		return result, nil
	}
	if lister, ok := value.(traits.Lister); ok {
		var result []any
		for it := lister.Iterator(); it.HasNext() == types.True; {
			c, err := convertField(it.Next())
			if err != nil {
				return nil, err
			}
			result = append(result, c)
		}
		return result, nil
	}
	if mapper, ok := value.(traits.Mapper); ok {
		result := make(map[string]any)
		for it := mapper.Iterator(); it.HasNext() == types.True; {
			k := it.Next()
			key, ok := k.Value().(string)
			if !ok {
				return nil, fmt.Errorf("map key %q is of type %T, not string", k, k)
			}
			c, err := convertField(mapper.Get(k))
			if err != nil {
				return nil, err
			}
			result[key] = c
		}
		return result, nil
	}
	return native, nil
}

// checkTypeNames is ov.CheckTypeNamesMatchFieldPathNames.
func checkTypeNames(ov *dynamic.ObjectVal) error {
	if _, ok := objectFields(ov); !ok {
		return ov.CheckTypeNamesMatchFieldPathNames()
	}
	return errors.Join(typeCheck(ov, []string{ov.Type().TypeName()})...)
}

func typeCheck(v ref.Val, typeNamePath []string) []error {
	var errs []error
	if ov, ok := v.(*dynamic.ObjectVal); ok {
		tn, want := ov.Type().TypeName(), strings.Join(typeNamePath, ".")
		if tn != want {
			errs = append(errs, fmt.Errorf("unexpected type name %q, expected %q, which matches field name path from root Object type", tn, want))
		}
		fields, _ := objectFields(ov)
		for k, f := range fields {
			errs = append(errs, typeCheck(f, append(typeNamePath[:len(typeNamePath):len(typeNamePath)], k))...)
		}
		// An Object's Value is neither a list nor a map of CEL values.
		return errs
	}
	switch value := v.Value().(type) {
	case []ref.Val:
		for _, v := range value {
			errs = append(errs, typeCheck(v, typeNamePath)...)
		}
	case map[ref.Val]ref.Val:
		for _, v := range value {
			errs = append(errs, typeCheck(v, typeNamePath)...)
		}
	}
	return errs
}
