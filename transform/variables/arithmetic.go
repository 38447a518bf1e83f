package variables

import (
	"fmt"
	"math"
	"time"

	"gopkg.in/inf.v0"
	"k8s.io/apimachinery/pkg/api/resource"

	qty "github.com/preadmit/preadmit/transform/quantity"
)

// Kyverno's arithmetic works on three kinds of operands: numbers, resource
// quantities ("250m", "1Gi") and durations ("30s"). A string is a quantity
// if it parses as one, else a duration. The result tables are Kyverno's
// (pkg/engine/jmespath/arithmetic.go):
//
//	Quantity +|- Quantity -> Quantity    Duration +|- Duration -> Duration
//	Quantity * Scalar     -> Quantity    Duration * Scalar     -> Duration
//	Quantity / Quantity   -> Scalar      Duration / Duration   -> Scalar
//	Quantity / Scalar     -> Quantity    Duration / Scalar     -> Duration
//	Quantity % Quantity   -> Quantity    Duration % Duration   -> Duration
//	Scalar op Scalar      -> Scalar      anything else         -> "Types mismatch"
type operand interface{}

type quantity struct{ resource.Quantity }

type duration struct{ time.Duration }

type scalar struct{ float64 }

func operands(fn string, a []interface{}) (operand, operand, error) {
	var ops [2]operand
	for i := 0; i < 2 && i < len(a); i++ {
		switch v := a[i].(type) {
		case float64:
			ops[i] = scalar{v}
		case string:
			if q, err := qty.Parse(v); err == nil {
				ops[i] = quantity{q}
			} else if d, err := time.ParseDuration(v); err == nil {
				ops[i] = duration{d}
			}
		}
	}
	if ops[0] == nil || ops[1] == nil {
		return nil, nil, fnErr(genericError, fn, "invalid operands")
	}
	return ops[0], ops[1], nil
}

func addOp(fn string, x, y operand) (interface{}, error) {
	switch a := x.(type) {
	case quantity:
		if b, ok := y.(quantity); ok {
			a.Add(b.Quantity)
			return a.String(), nil
		}
	case duration:
		if b, ok := y.(duration); ok {
			return (a.Duration + b.Duration).String(), nil
		}
	case scalar:
		if b, ok := y.(scalar); ok {
			return a.float64 + b.float64, nil
		}
	}
	return nil, fnErr(typeMismatchError, fn)
}

func jpAdd(a []interface{}) (interface{}, error) {
	x, y, err := operands("add", a)
	if err != nil {
		return nil, err
	}
	return addOp("add", x, y)
}

func jpSum(a []interface{}) (interface{}, error) {
	items, ok := a[0].([]interface{})
	if !ok {
		return nil, fnErr(typeMismatchError, "sum")
	}
	if len(items) == 0 {
		return nil, fnErr(genericError, "sum", "at least one element in the array is required")
	}
	result := items[0]
	for _, item := range items[1:] {
		x, y, err := operands("sum", []interface{}{result, item})
		if err != nil {
			return nil, err
		}
		if result, err = addOp("sum", x, y); err != nil {
			return nil, err
		}
	}
	return result, nil
}

func jpSubtract(a []interface{}) (interface{}, error) {
	x, y, err := operands("subtract", a)
	if err != nil {
		return nil, err
	}
	switch p := x.(type) {
	case quantity:
		if q, ok := y.(quantity); ok {
			p.Sub(q.Quantity)
			return p.String(), nil
		}
	case duration:
		if q, ok := y.(duration); ok {
			return (p.Duration - q.Duration).String(), nil
		}
	case scalar:
		if q, ok := y.(scalar); ok {
			return p.float64 - q.float64, nil
		}
	}
	return nil, fnErr(typeMismatchError, "subtract")
}

func jpMultiply(a []interface{}) (interface{}, error) {
	x, y, err := operands("multiply", a)
	if err != nil {
		return nil, err
	}
	if s, ok := x.(scalar); ok {
		if _, ok := y.(scalar); !ok {
			x, y = y, s
		}
	}
	switch p := x.(type) {
	case quantity:
		if s, ok := y.(scalar); ok {
			q, err := qty.Parse(fmt.Sprintf("%v", s.float64))
			if err != nil {
				return nil, err
			}
			var prod inf.Dec
			prod.Mul(p.AsDec(), q.AsDec())
			return resource.NewDecimalQuantity(prod, p.Format).String(), nil
		}
	case duration:
		if s, ok := y.(scalar); ok {
			return time.Duration(p.Seconds() * s.float64 * float64(time.Second)).String(), nil
		}
	case scalar:
		if s, ok := y.(scalar); ok {
			return p.float64 * s.float64, nil
		}
	}
	return nil, fnErr(typeMismatchError, "multiply")
}

func jpDivide(a []interface{}) (interface{}, error) {
	x, y, err := operands("divide", a)
	if err != nil {
		return nil, err
	}
	switch p := x.(type) {
	case quantity:
		switch q := y.(type) {
		case quantity:
			d := q.AsApproximateFloat64()
			if d == 0 {
				return nil, fnErr(zeroDivisionError, "divide")
			}
			return p.AsApproximateFloat64() / d, nil
		case scalar:
			if q.float64 == 0 {
				return nil, fnErr(zeroDivisionError, "divide")
			}
			qq, err := qty.Parse(fmt.Sprintf("%v", q.float64))
			if err != nil {
				return nil, err
			}
			var quo inf.Dec
			scale := inf.Scale(math.Max(float64(p.AsDec().Scale()), float64(qq.AsDec().Scale())))
			quo.QuoRound(p.AsDec(), qq.AsDec(), scale, inf.RoundDown)
			return resource.NewDecimalQuantity(quo, p.Format).String(), nil
		}
	case duration:
		switch q := y.(type) {
		case duration:
			if q.Seconds() == 0 {
				return nil, fnErr(zeroDivisionError, "divide")
			}
			return p.Seconds() / q.Seconds(), nil
		case scalar:
			if q.float64 == 0 {
				return nil, fnErr(zeroDivisionError, "divide")
			}
			return time.Duration(p.Seconds() / q.float64 * float64(time.Second)).String(), nil
		}
	case scalar:
		if q, ok := y.(scalar); ok {
			if q.float64 == 0 {
				return nil, fnErr(zeroDivisionError, "divide")
			}
			return p.float64 / q.float64, nil
		}
	}
	return nil, fnErr(typeMismatchError, "divide")
}

func jpModulo(a []interface{}) (interface{}, error) {
	x, y, err := operands("modulo", a)
	if err != nil {
		return nil, err
	}
	ints := func(f1, f2 float64) (int64, int64, error) {
		i1, i2 := int64(f1), int64(f2)
		if f1 != float64(i1) || f2 != float64(i2) {
			return 0, 0, fnErr(nonIntModuloError, "modulo")
		}
		if i2 == 0 {
			return 0, 0, fnErr(zeroDivisionError, "modulo")
		}
		return i1, i2, nil
	}
	switch p := x.(type) {
	case quantity:
		if q, ok := y.(quantity); ok {
			i1, i2, err := ints(p.AsApproximateFloat64(), q.AsApproximateFloat64())
			if err != nil {
				return nil, err
			}
			return resource.NewQuantity(i1%i2, p.Format).String(), nil
		}
	case duration:
		if q, ok := y.(duration); ok {
			if q.Duration == 0 {
				return nil, fnErr(zeroDivisionError, "modulo")
			}
			return (p.Duration % q.Duration).String(), nil
		}
	case scalar:
		if q, ok := y.(scalar); ok {
			i1, i2, err := ints(p.float64, q.float64)
			if err != nil {
				return nil, err
			}
			return float64(i1 % i2), nil
		}
	}
	return nil, fnErr(typeMismatchError, "modulo")
}
