// Package exception reads Kyverno PolicyExceptions and answers one question
// for the engine: does exception E cover policy P, rule R and this resource?
//
// It reads kyverno.io/v2, v2beta1 and v2alpha1 PolicyExceptions
// (spec.exceptions[].policyName and ruleNames with wildcards, spec.match with
// any/all, spec.conditions, spec.podSecurity control exclusions) and the
// newer policies.kyverno.io PolicyException (spec.policyRefs, spec.expiresAt).
// Each exception is parsed and compiled once. On top of Kyverno, every
// exception may carry preadmit's discipline as annotations: preadmit.io/owner,
// preadmit.io/reason and preadmit.io/expires (an RFC 3339 date or date-time);
// an expired exception no longer applies.
//
// The package must not run rules or decide results: it matches names,
// resources and conditions, and reports expiry. What a covered rule becomes
// (skip, fewer podSecurity violations, a warning for an expired exception) is
// the engine's business.
package exception
