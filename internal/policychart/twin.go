package policychart

import (
	"encoding/json"
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/policy"
)

// twinValue is the chart value a CEL twin's variable takes: a CEL policy
// cannot read preadmit's variables, so a twin holds each setting of its
// ClusterPolicy in a variable of its own (spec.variables), whose
// expression the chart writes from the value.
type twinValue struct {
	key string
	// requires: the twin has no "off" state for an empty value (the
	// ClusterPolicy then does nothing), so it is installed only when the
	// value is set.
	requires bool
}

// twinValues maps a twin's variable name to its chart value.
var twinValues = map[string]twinValue{
	"mirrorRegistry": {key: "registry", requires: true},
	"excludeImages":  {key: "registryExclude"},
	"managedBy":      {key: "managedBy"},
}

// twinTemplateOf returns a CEL twin as chart template text, and the value
// it requires set to be installed (see twinValue). The chart's settings
// take over as they do in the ClusterPolicy: the variables of twinValues
// from their values, validationActions from failureAction,
// excludedNamespaces as a namespaceSelector on matchConstraints.
func twinTemplateOf(p *policy.Policy, vars map[string]*Variable) (string, string, error) {
	n := p.Node.Copy()
	ph := newPlaceholders()
	spec := n.Field("spec")
	if spec == nil {
		return "", "", fmt.Errorf("no spec")
	}
	requires, err := bindTwinVariables(spec.Value, ph, vars)
	if err != nil {
		return "", "", err
	}
	if p.Kind == "ValidatingPolicy" {
		a := spec.Value.Field("validationActions")
		if a == nil {
			return "", "", fmt.Errorf("spec.validationActions: required in a twin, for the chart's failureAction")
		}
		flow := yaml.CopyYNode(a.Value.YNode())
		flow.Style = yaml.FlowStyle
		own, err := yaml.NewRNode(flow).String()
		if err != nil {
			return "", "", err
		}
		replace(a.Value, ph.scalar(fmt.Sprintf(`{{ if eq .Values.failureAction "Enforce" }}[Deny]{{ else if eq .Values.failureAction "Audit" }}[Audit]{{ else }}%s{{ end }}`, strings.TrimSpace(own))))
	}
	mc := spec.Value.Field("matchConstraints")
	if mc == nil {
		return "", "", fmt.Errorf("spec.matchConstraints: required in a twin")
	}
	if mc.Value.Field("namespaceSelector") != nil {
		return "", "", fmt.Errorf("spec.matchConstraints.namespaceSelector cannot take the chart's excludedNamespaces")
	}
	id := ph.next()
	ph.excludes[id] = excludeSelector
	if err := mc.Value.PipeE(yaml.SetField("namespaceSelector", yaml.NewScalarRNode(id))); err != nil {
		return "", "", err
	}
	text, err := ph.text(n)
	return text, requires, err
}

// bindTwinVariables writes the expression of each variable of twinValues
// from its chart value. The twin's own expression must be the value's
// default (the ClusterPolicy's), unless the twin requires the value.
func bindTwinVariables(spec *yaml.RNode, ph *placeholders, vars map[string]*Variable) (string, error) {
	list := spec.Field("variables")
	if list == nil {
		return "", nil
	}
	items, err := list.Value.Elements()
	if err != nil {
		return "", fmt.Errorf("spec.variables: %w", err)
	}
	requires := ""
	for _, it := range items {
		name := it.Field("name")
		expr := it.Field("expression")
		if name == nil || expr == nil {
			continue
		}
		tv, ok := twinValues[name.Value.YNode().Value]
		if !ok {
			continue
		}
		v, ok := vars[tv.key]
		if !ok {
			return "", fmt.Errorf("variable %s: no ClusterPolicy reads preadmit.%s", name.Value.YNode().Value, tv.key)
		}
		if tv.requires {
			requires = tv.key
		} else if got, want := strings.TrimSpace(expr.Value.YNode().Value), celLiteral(v); got != want {
			return "", fmt.Errorf("variable %s is %s, but preadmit.%s defaults to %s", name.Value.YNode().Value, got, tv.key, want)
		}
		// A JSON string or list of strings is the same CEL literal.
		replace(expr.Value, ph.scalar(fmt.Sprintf("{{ .Values.%s | toJson | toJson }}", tv.key)))
	}
	return requires, nil
}

// celLiteral is a variable's default as a CEL literal (its JSON).
func celLiteral(v *Variable) string {
	if v.Literal {
		return v.Default
	}
	b, err := json.Marshal(v.Default)
	if err != nil {
		return fmt.Sprintf("%q", v.Default)
	}
	return string(b)
}
