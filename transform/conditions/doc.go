// Package conditions evaluates Kyverno conditions: rule and foreach
// preconditions and validate.deny.conditions.
//
// A conditions block is either {any: [...], all: [...]} or, in the legacy
// form, a plain list that behaves as all. Each condition is
// {key, operator, value, message}; key and value may hold variables, which
// are substituted from a variables.Context before the operator runs.
// Operators follow Kyverno's pkg/engine/variables/operator, including the
// wildcard, resource quantity, duration and semver comparisons and the
// deprecated In, NotIn and Duration* operators.
//
// The package only answers true or false (with Kyverno's message); what a
// rule does with the answer (skip, deny, report) is the caller's business.
package conditions
