package transform

import (
	"fmt"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/labels"

	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

// celParams is a rule's paramKind with its binding's paramRef: which
// objects params is bound to.
type celParams struct {
	kind     admissionregistrationv1.ParamKind
	ref      *admissionregistrationv1.ParamRef
	selector labels.Selector
}

func compileParams(spec *policy.CEL) (*celParams, error) {
	if spec.ParamKind == nil {
		return nil, nil
	}
	p := &celParams{kind: *spec.ParamKind}
	if spec.Binding != nil {
		p.ref = spec.Binding.Spec.ParamRef
	}
	if p.ref != nil && p.ref.Selector != nil {
		s, err := metav1.LabelSelectorAsSelector(p.ref.Selector)
		if err != nil {
			return nil, fmt.Errorf("paramRef.selector: %w", err)
		}
		p.selector = s
	}
	return p, nil
}

// resolve returns the parameter objects for a resource, as the API server
// binds them: paramRef.name selects one object, paramRef.selector every
// matching one, in paramRef.namespace or else the resource's namespace
// (for a namespaced paramKind). None found is an error unless
// parameterNotFoundAction is Allow (the rule is then skipped).
func (p *celParams) resolve(e *run, u *unit) ([]any, *outcome) {
	if p.ref == nil {
		return nil, &outcome{status: report.StatusError, message: fmt.Sprintf("the policy has paramKind %s but its binding has no paramRef", p.kind.Kind)}
	}
	ns := p.ref.Namespace
	if ns == "" {
		ns = u.res.Namespace
	}
	var out []any
	if e.cel != nil {
		for _, o := range e.cel.objects {
			if o.apiVersion != p.kind.APIVersion || o.kind != p.kind.Kind {
				continue
			}
			if o.namespace != "" && ns != "" && o.namespace != ns {
				continue
			}
			if p.ref.Name != "" && o.name != p.ref.Name {
				continue
			}
			if p.selector != nil && !p.selector.Matches(labels.Set(o.labels)) {
				continue
			}
			v, err := o.value()
			if err != nil {
				return nil, &outcome{status: report.StatusError, message: fmt.Sprintf("parameter object %s %s: %v", o.kind, o.name, err)}
			}
			out = append(out, v)
		}
	}
	if len(out) > 0 {
		return out, nil
	}
	if p.ref.ParameterNotFoundAction != nil && *p.ref.ParameterNotFoundAction == admissionregistrationv1.AllowAction {
		return nil, &outcome{status: report.StatusSkip, message: fmt.Sprintf("no %s parameter object found; parameterNotFoundAction is Allow", p.kind.Kind)}
	}
	what := p.kind.Kind
	if p.ref.Name != "" {
		what += " " + p.ref.Name
	}
	return nil, &outcome{status: report.StatusError, message: fmt.Sprintf("no %s parameter object found (parameter objects come from the stream, --params, or a test's paramResources)", what)}
}
