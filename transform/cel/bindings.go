package cel

import (
	"time"

	"errors"
	"fmt"

	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/interpreter"
	celconfig "k8s.io/apiserver/pkg/apis/cel"
	"k8s.io/apiserver/pkg/cel/lazy"

	"github.com/preadmit/preadmit/transform/cel/libs"
)

var errBudget = errors.New("the policy's CEL cost budget is exhausted (validation failed due to running out of cost budget, no further validation rules will be run)")

func typeError(want string, v ref.Val) error {
	if v == nil {
		return fmt.Errorf("gave no value, want %s", want)
	}
	return fmt.Errorf("gave %s, want %s", v.Type().TypeName(), want)
}

// Input are the values of the admission bindings, as plain Go values
// (map[string]any, []any, string, int64, float64, bool, nil): FromNode
// gives them for a YAML document.
type Input struct {
	Object          any
	OldObject       any
	Request         any
	NamespaceObject any
	Params          any
	// Now is what time.now() gives (KyvernoLibraries): the render's
	// clock. Zero is the wall clock, read when an expression asks.
	Now time.Time
	// Cluster answers the libraries that read the cluster or the network
	// (KyvernoClusterLibraries); nil answers them with an error.
	Cluster *Cluster
	// Exceptions is what the fine-grained PolicyExceptions that apply to
	// the resource allow (KyvernoLibraries' exceptions variable); nil is
	// nothing.
	Exceptions *libs.Exception
}

// Variable is a compiled spec.variables entry.
type Variable struct {
	Name    string
	Program *Program
}

// Bindings is the activation of one evaluation of a policy's expressions
// on one resource: the inputs, the variables (each evaluated at most once,
// when first read) and the policy's remaining cost budget. It is not safe
// for concurrent use; make one per policy and resource.
type Bindings struct {
	// object, oldObject, request, namespaceObject and params.
	object, oldObject, request, namespaceObject, params ref.Val
	vars                                                []Variable
	variables                                           *lazy.MapValue
	budget                                              int64
	now                                                 time.Time
	cluster                                             *Cluster
	exceptions                                          *libs.Exception
}

var _ interpreter.Activation = (*Bindings)(nil)

var variablesType = types.NewObjectType("kyverno.variables")

// NewBindings makes the activation for in, with the policy's variables in
// order (a variable may read the ones before it) and the API server's
// per-policy cost budget.
func NewBindings(in Input, vars []Variable) *Bindings {
	a := types.DefaultTypeAdapter
	b := &Bindings{
		object:          a.NativeToValue(in.Object),
		oldObject:       a.NativeToValue(in.OldObject),
		request:         a.NativeToValue(in.Request),
		namespaceObject: a.NativeToValue(in.NamespaceObject),
		params:          a.NativeToValue(in.Params),
		vars:            vars,
		budget:          celconfig.RuntimeCELCostBudget,
		now:             in.Now,
		cluster:         in.Cluster,
		exceptions:      in.Exceptions,
	}
	b.bindVariables()
	return b
}

// SetObject makes the bindings those of the same input with object obj,
// as after a mutation: the variables are evaluated anew, when read, and
// the budget is whole again, as for each of the API server's mutations.
func (b *Bindings) SetObject(obj any) {
	b.object = types.DefaultTypeAdapter.NativeToValue(obj)
	b.budget = celconfig.RuntimeCELCostBudget
	b.bindVariables()
}

// ResetBudget makes the budget whole again, as for each of the API
// server's mutations.
func (b *Bindings) ResetBudget() { b.budget = celconfig.RuntimeCELCostBudget }

func (b *Bindings) bindVariables() {
	b.variables = lazy.NewMapValue(variablesType)
	for _, v := range b.vars {
		p := v.Program
		b.variables.Append(v.Name, func(*lazy.MapValue) ref.Val {
			val, err := p.Eval(b)
			if err != nil {
				return types.WrapErr(err)
			}
			return val
		})
	}
}

// ResolveName implements interpreter.Activation.
func (b *Bindings) ResolveName(name string) (any, bool) {
	switch name {
	case VariablesVar:
		return b.variables, true
	case nowVar:
		if b.now.IsZero() {
			return types.Timestamp{Time: time.Now()}, true
		}
		return types.Timestamp{Time: b.now}, true
	case "resource", "globalContext", "http", "image":
		return b.resolveCluster(name)
	case ObjectVar:
		return b.object, true
	case OldObjectVar:
		return b.oldObject, true
	case RequestVar:
		return b.request, true
	case NamespaceObjectVar:
		return b.namespaceObject, true
	case ParamsVar:
		return b.params, true
	case ExceptionsVar:
		if b.exceptions == nil {
			return noExceptions(), true
		}
		return exceptionsValue(b.exceptions), true
	}
	return nil, false
}

// Parent implements interpreter.Activation.
func (b *Bindings) Parent() interpreter.Activation { return nil }

// Budget is the cost budget left.
func (b *Bindings) Budget() int64 { return b.budget }
