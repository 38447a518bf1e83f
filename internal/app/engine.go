package app

import (
	"errors"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

// EngineOptions are the settings every command that runs the engine shares
// (render, fn, flux postrenderers): which policies, how they act, and the
// values they read.
type EngineOptions struct {
	Policies PolicyOptions
	// Exceptions are the PolicyException sources and discipline; the
	// exceptions in policy files are read too.
	Exceptions ExceptionOptions
	Mode       string
	Namespace  string
	// Registry are the air-gapped mirror settings (--registry, ...).
	Registry RegistryOptions
	// Values are Kyverno CLI values, --set and context files.
	Values ValuesOptions
	// Variables are set in every rule's context by dotted path, under
	// --set and the registry flags (the KRM function's variables).
	Variables map[string]interface{}
	// Compact and FindingsOnly are transform.Options': a render that only
	// writes the stream and the findings holds little more than its input.
	Compact, FindingsOnly bool
}

// newEngine loads the policies and compiles them: the one path from options
// to an engine. Errors are *ExitErr values with the exit code.
func newEngine(o EngineOptions) (*transform.Engine, *policy.Set, error) {
	mode, err := transform.ParseMode(o.Mode)
	if err != nil {
		return nil, nil, &ExitErr{Code: ExitError, Err: err}
	}
	at, err := ParseAt(o.Exceptions.At)
	if err != nil {
		return nil, nil, &ExitErr{Code: ExitError, Err: err}
	}
	namespace := o.Namespace
	if namespace == "" {
		namespace = "default"
	}
	set, loadErr := LoadPolicies(o.Policies)
	if set == nil {
		return nil, nil, classify(loadErr)
	}
	xs, err := loadExceptions(o.Exceptions.Paths, set.Others, namespace)
	if err != nil {
		return nil, nil, classify(err)
	}
	in, err := loadInputs(o.Values, o.Registry, o.Variables, namespace)
	if err != nil {
		return nil, nil, &ExitErr{Code: ExitError, Err: err}
	}
	eng, err := transform.New(transform.Options{
		Policies: set.Policies, Mode: mode, Namespace: namespace, Now: clock(at),
		Variables: in.vars, Values: in.values, NamespaceLabels: in.namespaces, ConfigMaps: in.configMaps,
		Exceptions: xs, KeepExceptions: o.Exceptions.Keep, RequireExceptionMetadata: o.Exceptions.RequireMetadata,
		Compact: o.Compact, FindingsOnly: o.FindingsOnly,
	})
	if err = joinPolicyErrors(loadErr, err); err != nil {
		return nil, nil, classify(err)
	}
	return eng, set, nil
}

// joinPolicyErrors reports the errors of loading and of compiling together,
// so that a user fixes every defect in one go.
func joinPolicyErrors(errs ...error) error {
	var all policy.Errors
	for _, e := range errs {
		var es policy.Errors
		var pe *policy.Error
		switch {
		case e == nil:
		case errors.As(e, &es):
			all = append(all, es...)
		case errors.As(e, &pe):
			all = append(all, pe)
		default:
			return e
		}
	}
	return all.AsError()
}

// renderBytes runs the engine over a whole stream, results sorted: what
// render and flux postrenderers share after the flags are read.
func renderBytes(o EngineOptions, input []byte) (*transform.Output, *policy.Set, error) {
	eng, set, err := newEngine(o)
	if err != nil {
		return nil, nil, err
	}
	res, err := eng.Render(input)
	if err != nil {
		return nil, nil, classify(err)
	}
	report.Sort(res.Results)
	return res, set, nil
}
