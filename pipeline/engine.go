package pipeline

import (
	"errors"
	"time"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/policy"
)

// engineMode says how a render holds the stream and its results.
type engineMode struct {
	// Compact and FindingsOnly are transform.Options': a render that only
	// writes the stream and the findings holds little more than its input.
	compact, findingsOnly bool
}

// newEngine loads the policies, exceptions and values and compiles them:
// the one path from Options to an engine, and the one place Options become
// transform.Options.
func newEngine(o Options, m engineMode) (*transform.Engine, *policy.Set, error) {
	if err := o.check(); err != nil {
		return nil, nil, err
	}
	namespace := o.namespace()
	set, loadErr := LoadPolicies(o)
	if set == nil {
		return nil, nil, loadErr
	}
	xs, err := LoadExceptions(o.Exceptions.Paths, set.Others, namespace)
	if err != nil {
		return nil, nil, err
	}
	in, err := loadInputs(o.Values, o.Registry, o.Variables, namespace)
	if err != nil {
		return nil, nil, err
	}
	objects, err := loadCELObjects(o.CEL)
	if err != nil {
		return nil, nil, err
	}
	eng, err := transform.New(transform.Options{
		Policies: set.Policies, Mode: o.Mode, Namespace: namespace, Now: clock(o.Exceptions.At),
		Variables: in.vars, Values: in.values, NamespaceLabels: in.namespaces, NamespaceAnnotations: in.namespaceAnnotations, ConfigMaps: in.context.ConfigMaps,
		ClusterObjects: in.context.Objects, ImageData: in.context.Images, Offline: in.offline,
		Exceptions: xs, KeepExceptions: o.Exceptions.Keep, RequireExceptionMetadata: o.Exceptions.RequireMetadata,
		CELObjects: objects, Compact: m.compact, FindingsOnly: m.findingsOnly,
	})
	if err = joinPolicyErrors(loadErr, err); err != nil {
		return nil, nil, err
	}
	return eng, set, nil
}

func (o *Options) namespace() string {
	if o.Namespace == "" {
		return "default"
	}
	return o.Namespace
}

// clock returns the engine clock for an --at value: nil (time.Now) when unset.
func clock(at time.Time) func() time.Time {
	if at.IsZero() {
		return nil
	}
	return func() time.Time { return at }
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

// Engine loads and compiles the policies of o for a caller that runs the
// engine itself over documents it holds (the KRM function): the policy set
// comes with it.
func Engine(o Options) (*transform.Engine, *policy.Set, error) {
	return newEngine(o, engineMode{})
}
