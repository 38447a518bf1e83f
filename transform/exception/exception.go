package exception

import (
	"time"

	"github.com/preadmit/preadmit/transform/cel"
	"github.com/preadmit/preadmit/transform/conditions"
	"github.com/preadmit/preadmit/transform/match"
	"github.com/preadmit/preadmit/transform/validate/podsecurity"
	"github.com/preadmit/preadmit/transform/variables"
	"github.com/preadmit/preadmit/transform/wildcard"
)

// The annotations of preadmit's exception discipline, accepted on every
// PolicyException kind.
const (
	AnnotationOwner   = "preadmit.io/owner"
	AnnotationReason  = "preadmit.io/reason"
	AnnotationExpires = "preadmit.io/expires"
)

// LabelPriority is Kyverno's label that ranks the PolicyExceptions
// exempting a resource from a policies.kyverno.io policy: the one with the
// highest (the first, unless one is above 0) decides whether the result is
// skip or pass (its reportResult).
const LabelPriority = "polex.kyverno.io/priority"

// Exception is a compiled PolicyException. It is immutable once parsed.
type Exception struct {
	APIVersion string
	Name       string
	// Namespace is metadata.namespace, or the render's default namespace
	// when the document names none.
	Namespace string
	// File is where the exception was read from: a path, or
	// "input document N" for one found in the manifest stream.
	File string

	Owner  string
	Reason string
	// Expires is the first instant at which the exception no longer
	// applies; zero when it never expires. A date-only expiry ("2025-06-30")
	// is valid through that day, UTC.
	Expires time.Time
	// ExpiresText is the expiry as written (the annotation, or
	// spec.expiresAt when it is the earlier one).
	ExpiresText string
	// ExpiresDate is set when the expiry is a date, not a date-time.
	ExpiresDate bool

	// Targets are the policies and rules the exception names.
	Targets []Target
	// PodSecurity are the Pod Security Standards controls it excludes;
	// when set, a validate.podSecurity rule still runs and only these
	// controls are excused.
	PodSecurity []podsecurity.Exclude
	// Unsupported says why the exception can never apply at render time
	// (CEL matchConditions); such an exception only produces a warning.
	Unsupported string
	// ReportPass is set by reportResult: pass (policies.kyverno.io only):
	// covered results are reported as pass instead of skip.
	ReportPass bool
	// Images and AllowedValues are spec.images and spec.allowedValues
	// (policies.kyverno.io only). An exception with either is
	// fine-grained: it does not exempt the resource; the policy runs, and
	// its expressions read them as exceptions.allowedImages and
	// exceptions.allowedValues.
	Images, AllowedValues []string
	// Priority is the LabelPriority label, 0 when unset or not a number.
	Priority int

	// match is spec.match; nil selects every resource (policies.kyverno.io
	// exceptions have no match block).
	match      *match.Matcher
	conditions *conditions.Conditions
	// celConditions are a policies.kyverno.io exception's matchConditions.
	celConditions cel.Conditions
}

// Target is one policy an exception names, and the rules of it.
type Target struct {
	// Policy is a pattern ('*', '?') for "name" (a ClusterPolicy) or
	// "namespace/name" (a Policy), as Kyverno's policyName.
	Policy string
	// Kind, for a policies.kyverno.io policyRef, is the policy's kind; ""
	// for kyverno.io exceptions, whose policyName says it all.
	Kind string
	// Rules are rule-name patterns; nil means every rule (policyRefs).
	Rules []string
}

// FineGrained reports whether the exception only allows images or values
// (spec.images, spec.allowedValues) instead of exempting the resource.
func (x *Exception) FineGrained() bool { return len(x.Images) > 0 || len(x.AllowedValues) > 0 }

// Key is "namespace/name", the name Kyverno reports exceptions by.
func (x *Exception) Key() string { return key(x.Namespace, x.Name) }

// Covers reports whether the exception names the rule of the policy.
// policyKind is ClusterPolicy or Policy; policyNamespace is "" for a
// ClusterPolicy. Rule names are matched as written: an autogen rule is
// covered when its own name ("autogen-<rule>", "autogen-cronjob-<rule>")
// matches, as in Kyverno.
func (x *Exception) Covers(policyKind, policyNamespace, policyName, rule string) bool {
	for _, t := range x.Targets {
		if t.covers(x.Namespace, policyKind, policyNamespace, policyName, rule) {
			return true
		}
	}
	return false
}

func (t Target) covers(exNamespace, policyKind, policyNamespace, policyName, rule string) bool {
	if t.Kind != "" {
		// A policyRef: the name, of that kind; a namespaced Policy only in
		// the exception's own namespace.
		if t.Kind != policyKind || t.Policy != policyName {
			return false
		}
		if policyKind == "Policy" && policyNamespace != exNamespace {
			return false
		}
		return true
	}
	if !wildcard.Match(t.Policy, key(policyNamespace, policyName)) {
		return false
	}
	return wildcard.Any(t.Rules, rule)
}

// Selects reports whether the exception's match block selects the resource.
func (x *Exception) Selects(r *match.Resource) bool {
	if x.match == nil {
		return true
	}
	return x.match.Matches(r)
}

// HasConditions reports whether the exception has spec.conditions, which
// need the resource's variables context.
func (x *Exception) HasConditions() bool {
	return x.conditions != nil && (len(x.conditions.Any) > 0 || len(x.conditions.All) > 0)
}

// ConditionsHold evaluates spec.conditions against the resource's context
// (request.object and the rest). No conditions hold.
func (x *Exception) ConditionsHold(ctx *variables.Context) (bool, error) {
	if !x.HasConditions() {
		return true, nil
	}
	ok, _, err := x.conditions.Evaluate(ctx)
	return ok, err
}
