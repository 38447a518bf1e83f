package apply

import (
	"encoding/json"
	"fmt"
	"math"
	"reflect"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"google.golang.org/protobuf/types/known/structpb"
	"k8s.io/apiserver/pkg/cel/common"
	"k8s.io/apiserver/pkg/cel/mutation"
	"k8s.io/apiserver/pkg/cel/mutation/dynamic"
)

// The types a mutation expression returns, as the API server names them.
var (
	ObjectType    = types.NewObjectType("Object")
	JSONPatchType = types.NewObjectType("JSONPatch")
)

// EnvOptions extend a CEL environment for mutation expressions: the
// Object{…} and JSONPatch{…} initializers, resolved as the API server
// resolves them (k8s.io/apiserver/pkg/cel/mutation).
func EnvOptions() []cel.EnvOption {
	return []cel.EnvOption{
		cel.Types(ObjectType, JSONPatchType),
		common.ResolverEnvOption(&mutation.DynamicTypeResolver{}),
	}
}

// ConfigurationOf reads the value of an applyConfiguration expression.
func ConfigurationOf(v ref.Val) (map[string]any, error) {
	obj, ok := v.(*dynamic.ObjectVal)
	if !ok {
		return nil, fmt.Errorf("applyConfiguration gave %s, want an Object{…}", typeName(v))
	}
	if err := checkTypeNames(obj); err != nil {
		return nil, fmt.Errorf("type mismatch: %w", err)
	}
	native := valueOf(obj)
	m, ok := native.(map[string]any)
	if !ok {
		return nil, fmt.Errorf("applyConfiguration gave %T, want an object", native)
	}
	return m, nil
}

// OpsOf reads the value of a jsonPatch expression: a list of JSONPatch{…}.
func OpsOf(v ref.Val) ([]Op, error) {
	list, ok := v.(traits.Lister)
	if !ok {
		return nil, fmt.Errorf("jsonPatch gave %s, want a list of JSONPatch{…}", typeName(v))
	}
	var ops []Op
	for it := list.Iterator(); it.HasNext() == types.True; {
		native, err := it.Next().ConvertToNative(reflect.TypeFor[*mutation.JSONPatchVal]())
		if err != nil {
			return nil, fmt.Errorf("jsonPatch must give a list of JSONPatch{…}: %w", err)
		}
		p, ok := native.(*mutation.JSONPatchVal)
		if !ok {
			return nil, fmt.Errorf("jsonPatch gave an element of %T, want JSONPatch{…}", native)
		}
		op := Op{Op: p.Op, Path: p.Path, From: p.From}
		if p.Val != nil {
			if obj, ok := p.Val.(*dynamic.ObjectVal); ok {
				if err := checkTypeNames(obj); err != nil {
					return nil, fmt.Errorf("type mismatch: %w", err)
				}
			}
			jv, err := jsonValue(p.Val)
			if err != nil {
				return nil, fmt.Errorf("a JSONPatch value that cannot be JSON: %w", err)
			}
			// The JSON of the value the API server makes (a number is a
			// double there too), written by encoding/json, faster than
			// protojson, but for NaN and the infinities, which protojson
			// refuses, as there.
			if finite(jv) {
				op.Value, err = json.Marshal(jv.AsInterface())
			} else {
				op.Value, err = json.Marshal(jv)
			}
			if err != nil {
				return nil, fmt.Errorf("a JSONPatch value that cannot be JSON: %w", err)
			}
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// jsonValue is v.ConvertToNative(*structpb.Value), an Object{…}
// converted once.
func jsonValue(v ref.Val) (*structpb.Value, error) {
	obj, ok := v.(*dynamic.ObjectVal)
	if !ok {
		jv, err := v.ConvertToNative(reflect.TypeFor[*structpb.Value]())
		if err != nil {
			return nil, err
		}
		return jv.(*structpb.Value), nil
	}
	m, err := objectNative(obj)
	if err != nil {
		return nil, err
	}
	return structpb.NewValue(m)
}

// finite reports whether v holds no NaN or infinite number.
func finite(v *structpb.Value) bool {
	switch k := v.GetKind().(type) {
	case *structpb.Value_NumberValue:
		return !math.IsNaN(k.NumberValue) && !math.IsInf(k.NumberValue, 0)
	case *structpb.Value_ListValue:
		for _, x := range k.ListValue.GetValues() {
			if !finite(x) {
				return false
			}
		}
	case *structpb.Value_StructValue:
		for _, x := range k.StructValue.GetFields() {
			if !finite(x) {
				return false
			}
		}
	}
	return true
}

func typeName(v ref.Val) string {
	if v == nil {
		return "no value"
	}
	return v.Type().TypeName()
}
