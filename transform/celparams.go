package transform

import (
	"fmt"
	"strings"

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
// collects them (CollectParams): without a paramRef, one run with params
// null; paramRef.name selects one object, paramRef.selector every matching
// one, for a namespaced paramKind in paramRef.namespace or else the
// resource's namespace. None found is an error when
// parameterNotFoundAction is Deny (or unset, which the API server
// refuses), and skips the rule when it is Allow.
func (p *celParams) resolve(e *run, u *unit) ([]any, *outcome) {
	if p.ref == nil {
		return []any{nil}, nil
	}
	fail := func(format string, args ...any) ([]any, *outcome) {
		return nil, &outcome{status: report.StatusError, message: fmt.Sprintf(format, args...)}
	}
	group, _, _ := strings.Cut(p.kind.APIVersion, "/")
	if !strings.Contains(p.kind.APIVersion, "/") {
		group = ""
	}
	mapping, _ := e.mapper().Map(group, p.kind.Kind)
	ns := p.ref.Namespace
	switch {
	case p.ref.Name != "" && p.ref.Selector != nil:
		return fail("paramRef.name and paramRef.selector are mutually exclusive")
	case p.ref.Name == "" && p.ref.Selector == nil:
		return fail("paramRef: one of name or selector must be provided")
	case !mapping.Namespaced && ns != "":
		return fail("paramRef.namespace must not be provided for a cluster-scoped paramKind (%s)", p.kind.Kind)
	case mapping.Namespaced && ns == "":
		if ns = u.res.Namespace; !resourceNamespaced(e, u) {
			ns = ""
		}
		if ns == "" {
			return fail("cannot use namespaced paramRef in policy binding that matches cluster-scoped resources")
		}
	}
	var out []any
	if e.cel != nil {
		for _, o := range e.cel.objects {
			if o.apiVersion != p.kind.APIVersion || o.kind != p.kind.Kind {
				continue
			}
			// An object that names no namespace is taken to be in any.
			if mapping.Namespaced && o.namespace != "" && o.namespace != ns {
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
				return fail("parameter object %s %s: %v", o.kind, o.name, err)
			}
			out = append(out, v)
			if p.ref.Name != "" {
				break // the API server gets one object by name
			}
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
	return fail("no %s parameter object found (parameter objects come from the stream, --params, or a test's paramResources)", what)
}

// resourceNamespaced reports whether the unit's kind is namespaced (a kind
// the mapping does not know is).
func resourceNamespaced(e *run, u *unit) bool {
	m, known := e.mapper().Map(u.res.Group, u.res.Kind)
	return !known || m.Namespaced
}
