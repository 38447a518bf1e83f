package cel

import (
	"github.com/google/cel-go/cel"
	celast "github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
)

// orValueCompat keeps x.orValue(y) working on a value that is not an
// optional, as Kyverno does: cel-go 0.28 made that an error, and Kyverno
// rewrites the call at parse time to a function that returns x itself
// (see Kyverno's pkg/cel/compiler OrValueCompatEnvOptions).
func orValueCompat() []cel.EnvOption {
	return []cel.EnvOption{
		cel.Macros(cel.ReceiverMacro("orValue", 1,
			func(eh cel.MacroExprFactory, target celast.Expr, args []celast.Expr) (celast.Expr, *cel.Error) {
				return eh.NewCall("__orValueCompat__", target, args[0]), nil
			})),
		cel.Function("__orValueCompat__",
			cel.Overload("__orValueCompat___dyn_dyn",
				[]*cel.Type{cel.DynType, cel.DynType}, cel.DynType,
				cel.BinaryBinding(func(lhs, rhs ref.Val) ref.Val {
					switch v := lhs.(type) {
					case *types.Optional:
						if v.HasValue() {
							return v.GetValue()
						}
						return rhs
					case *types.Err:
						return rhs
					}
					return lhs
				}))),
	}
}
