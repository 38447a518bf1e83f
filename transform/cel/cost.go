package cel

import (
	"math"

	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/common/types/traits"
	"github.com/google/cel-go/interpreter"
	"k8s.io/apiserver/pkg/cel/library"
)

// dynCost is the API server's runtime cost estimator with one addition:
// a concatenation of strings or lists read from an object without a schema
// (dynamically dispatched, so without the overload the estimator prices)
// costs its size, as the typed overloads do. Without it an expression can
// double a string of the resource until memory runs out, within the cost
// limit.
type dynCost struct{ library.CostEstimator }

var _ interpreter.ActualCostEstimator = dynCost{}

// CallCost implements interpreter.ActualCostEstimator.
func (d dynCost) CallCost(function, overloadID string, args []ref.Val, result ref.Val) *uint64 {
	if function == "_+_" && overloadID == "" && result != nil {
		if s, ok := result.(traits.Sizer); ok {
			if n, ok := s.Size().Value().(int64); ok && n > 0 {
				c := uint64(math.Ceil(float64(n) * 0.1))
				return &c
			}
		}
	}
	return d.CostEstimator.CallCost(function, overloadID, args, result)
}
