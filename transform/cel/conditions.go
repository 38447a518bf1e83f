package cel

import (
	"errors"
	"fmt"
)

// Condition is a compiled matchConditions entry.
type Condition struct {
	Name    string
	Program *Program
}

// Conditions are a policy's matchConditions.
type Conditions []Condition

// CompileConditions compiles matchConditions read at path
// (spec.matchConditions) with the API server's libraries.
func CompileConditions(path string, names, exprs []string) (Conditions, error) {
	return APIServerLibraries.CompileConditions(path, names, exprs)
}

// CompileConditions compiles matchConditions with the libraries l.
func (l Libraries) CompileConditions(path string, names, exprs []string) (Conditions, error) {
	var out Conditions
	var errs []error
	for i, e := range exprs {
		p, err := l.Compile(e, fmt.Sprintf("%s[%d].expression", path, i))
		if err != nil {
			errs = append(errs, err)
			continue
		}
		out = append(out, Condition{Name: names[i], Program: p})
	}
	return out, errors.Join(errs...)
}

// Match evaluates the conditions as the API server does: a condition that
// is false means no match, whatever the others give; otherwise an error of
// any condition is the result (the policy's failurePolicy decides); else
// they all hold. failed names the first false condition.
func (cs Conditions) Match(b *Bindings) (ok bool, failed string, err error) {
	var firstErr error
	for _, c := range cs {
		v, e := c.Program.Bool(b)
		if e != nil {
			if firstErr == nil {
				firstErr = fmt.Errorf("matchCondition %s: %w", c.Name, e)
			}
			continue
		}
		if !v {
			return false, c.Name, nil
		}
	}
	if firstErr != nil {
		return false, "", firstErr
	}
	return true, "", nil
}
