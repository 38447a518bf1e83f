package podsecurity

import "fmt"

// RuleError reports an invalid podSecurity block: an unknown level, version
// or control name, or an exclusion Kyverno's admission webhook would reject.
// Field is the path inside the block, e.g. "exclude[0].controlName".
type RuleError struct {
	Field  string
	Value  string
	Reason string
}

func (e *RuleError) Error() string {
	if e.Value == "" {
		return fmt.Sprintf("podSecurity.%s: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("podSecurity.%s: invalid value %q: %s", e.Field, e.Value, e.Reason)
}

// ResourceError reports a resource the rule cannot be evaluated on: a kind
// that has no pod template, or a pod template that does not decode as a
// Kubernetes PodSpec (for example a string where a bool belongs).
type ResourceError struct {
	Kind string
	// Path is the pod template's spec in the document, when known.
	Path string
	Err  error
}

func (e *ResourceError) Error() string {
	if e.Path == "" {
		return fmt.Sprintf("podSecurity: %s: %v", e.Kind, e.Err)
	}
	return fmt.Sprintf("podSecurity: %s %s: %v", e.Kind, e.Path, e.Err)
}

func (e *ResourceError) Unwrap() error { return e.Err }
