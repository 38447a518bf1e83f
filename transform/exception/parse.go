package exception

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/conditions"
	"github.com/preadmit/preadmit/transform/match"
	"github.com/preadmit/preadmit/transform/schema"
	"github.com/preadmit/preadmit/transform/validate/podsecurity"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// Kind is the kind of every PolicyException.
const Kind = "PolicyException"

// kyvernoVersions are the kyverno.io versions whose PolicyException has
// spec.exceptions, match, conditions and podSecurity.
var kyvernoVersions = map[string]bool{
	"kyverno.io/v2":       true,
	"kyverno.io/v2beta1":  true,
	"kyverno.io/v2alpha1": true,
}

// IsException reports whether a document is a PolicyException this package
// reads: kyverno.io/v2, v2beta1 or v2alpha1, or any policies.kyverno.io
// version.
func IsException(n *yaml.RNode) bool {
	if n == nil || n.YNode() == nil || n.YNode().Kind != yaml.MappingNode {
		return false
	}
	root := n.YNode()
	if yamlnode.Scalar(yamlnode.Field(root, "kind")) != Kind {
		return false
	}
	v := yamlnode.Scalar(yamlnode.Field(root, "apiVersion"))
	return kyvernoVersions[v] || strings.HasPrefix(v, "policies.kyverno.io/")
}

// Parse reads and compiles one PolicyException document. file names its
// source in errors; defaultNamespace is used when metadata.namespace is
// unset. Problems are *Error values naming the exception and the field.
func Parse(file string, n *yaml.RNode, defaultNamespace string) (*Exception, error) {
	if !IsException(n) {
		return nil, &Error{File: file, Err: errors.New("not a PolicyException (kyverno.io/v2, kyverno.io/v2beta1 or policies.kyverno.io)")}
	}
	root := n.YNode()
	p := &parser{x: &Exception{File: file, APIVersion: yamlnode.Scalar(yamlnode.Field(root, "apiVersion"))}}
	if err := p.metadata(yamlnode.Field(root, "metadata"), defaultNamespace); err != nil {
		return nil, err
	}
	fes, err := p.schemaErrors(n)
	if err != nil {
		return nil, err
	}
	// Unknown fields first, with the nearest name: a typo reads better so
	// than as the parse error it may cause. Then the parse, whose messages
	// say more than the schema's; then what else the schema rejects.
	if err := p.fieldErrors(fes, true); err != nil {
		return nil, err
	}
	spec := yamlnode.Field(root, "spec")
	if spec == nil || spec.Kind != yaml.MappingNode {
		return nil, p.errf("spec", "required: a mapping")
	}
	if kyvernoVersions[p.x.APIVersion] {
		err = p.kyvernoSpec(spec)
	} else {
		err = p.celSpec(spec)
	}
	if err != nil {
		return nil, err
	}
	if err := p.fieldErrors(fes, false); err != nil {
		return nil, err
	}
	return p.x, nil
}

type parser struct{ x *Exception }

// schemaVersion is the version whose CRD schema an exception is checked
// against: its own, but kyverno.io/v2alpha1, which Kyverno's CRDs no longer
// serve and preadmit still reads, has the shape of v2beta1.
func schemaVersion(apiVersion string) string {
	if apiVersion == "kyverno.io/v2alpha1" {
		return "kyverno.io/v2beta1"
	}
	return apiVersion
}

// schemaErrors checks the exception against the schema of Kyverno's CRD
// for its version, as the API server does when kubectl applies it.
func (p *parser) schemaErrors(n *yaml.RNode) ([]schema.FieldError, error) {
	b, err := n.MarshalJSON()
	if err != nil {
		return nil, p.wrap("", err)
	}
	fes, err := schema.Validate(schemaVersion(p.x.APIVersion), Kind, b)
	if err != nil {
		return nil, p.wrap("", err)
	}
	return fes, nil
}

// fieldErrors is the error of the unknown fields among fes, or of the
// others: one names its field, several are reported together.
func (p *parser) fieldErrors(fes []schema.FieldError, unknown bool) error {
	var sel schema.FieldErrors
	for _, fe := range fes {
		if fe.Unknown == unknown {
			sel = append(sel, fe)
		}
	}
	switch len(sel) {
	case 0:
		return nil
	case 1:
		return p.wrap(sel[0].Path, sel[0].Problem())
	}
	return p.wrap("", sel)
}

func (p *parser) errf(field, format string, args ...any) *Error {
	return &Error{File: p.x.File, Namespace: p.x.Namespace, Name: p.x.Name, Field: field, Err: fmt.Errorf(format, args...)}
}

func (p *parser) wrap(field string, err error) *Error {
	return &Error{File: p.x.File, Namespace: p.x.Namespace, Name: p.x.Name, Field: field, Err: err}
}

func (p *parser) metadata(md *yaml.Node, defaultNamespace string) error {
	if md == nil || md.Kind != yaml.MappingNode {
		return p.errf("metadata", "required: a mapping with name")
	}
	p.x.Name = yamlnode.Scalar(yamlnode.Field(md, "name"))
	p.x.Namespace = yamlnode.Scalar(yamlnode.Field(md, "namespace"))
	if p.x.Namespace == "" {
		p.x.Namespace = defaultNamespace
	}
	if p.x.Name == "" {
		return p.errf("metadata.name", "required")
	}
	if n, err := strconv.Atoi(yamlnode.Scalar(yamlnode.Field(yamlnode.Field(md, "labels"), LabelPriority))); err == nil {
		p.x.Priority = n // as Kyverno: a value that is not a number is ignored
	}
	ann := yamlnode.Field(md, "annotations")
	if ann == nil {
		return nil
	}
	if ann.Kind != yaml.MappingNode {
		return p.errf("metadata.annotations", "must be a mapping")
	}
	p.x.Owner = strings.TrimSpace(yamlnode.Scalar(yamlnode.Field(ann, AnnotationOwner)))
	p.x.Reason = strings.TrimSpace(yamlnode.Scalar(yamlnode.Field(ann, AnnotationReason)))
	if s := strings.TrimSpace(yamlnode.Scalar(yamlnode.Field(ann, AnnotationExpires))); s != "" {
		t, date, err := parseExpiry(s)
		if err != nil {
			return p.wrap("metadata.annotations."+AnnotationExpires, err)
		}
		p.x.Expires, p.x.ExpiresText, p.x.ExpiresDate = t, s, date
	}
	return nil
}

// kyvernoSpec reads a kyverno.io PolicyException spec.
func (p *parser) kyvernoSpec(spec *yaml.Node) error {
	for i := 0; i+1 < len(spec.Content); i += 2 {
		k, v := spec.Content[i].Value, spec.Content[i+1]
		var err error
		switch k {
		case "background":
			// Render time has no background scans: nothing to decide.
		case "match":
			err = p.match(v)
		case "conditions":
			var c *conditions.Conditions
			if c, err = conditions.Compile(yaml.NewRNode(v)); err != nil {
				err = p.wrap("spec.conditions", err)
			}
			p.x.conditions = c
		case "exceptions":
			err = p.exceptions(v)
		case "podSecurity":
			err = p.podSecurity(v)
		default:
			err = p.errf("spec."+k, "unknown field; a %s PolicyException has match, conditions, exceptions, podSecurity and background", p.x.APIVersion)
		}
		if err != nil {
			return err
		}
	}
	if len(p.x.Targets) == 0 {
		return p.errf("spec.exceptions", "required: a list of {policyName, ruleNames}")
	}
	if p.x.match == nil {
		return p.errf("spec.match", "required: any or all resource filters")
	}
	return nil
}

func (p *parser) match(v *yaml.Node) error {
	b, err := yaml.NewRNode(v).MarshalJSON()
	if err != nil {
		return p.wrap("spec.match", err)
	}
	var s match.Spec
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&s); err != nil {
		return p.wrap("spec.match", err)
	}
	if !(&match.Spec{Filter: s.Filter}).IsEmpty() {
		return p.errf("spec.match", "resources must be listed under any or all")
	}
	if s.IsEmpty() {
		return p.errf("spec.match", "required: any or all resource filters")
	}
	m, err := match.Compile(&s)
	if err != nil {
		return p.wrap("spec.match", err)
	}
	p.x.match = m
	return nil
}

func (p *parser) exceptions(v *yaml.Node) error {
	if v.Kind != yaml.SequenceNode {
		return p.errf("spec.exceptions", "must be a list of {policyName, ruleNames}")
	}
	for i, e := range v.Content {
		field := fmt.Sprintf("spec.exceptions[%d]", i)
		if e.Kind != yaml.MappingNode {
			return p.errf(field, "must be a mapping with policyName and ruleNames")
		}
		var t Target
		for j := 0; j+1 < len(e.Content); j += 2 {
			k, val := e.Content[j].Value, e.Content[j+1]
			switch k {
			case "policyName":
				t.Policy = yamlnode.Scalar(val)
			case "ruleNames":
				names, ok := scalarList(val)
				if !ok {
					return p.errf(field+".ruleNames", "must be a list of rule names")
				}
				t.Rules = names
			default:
				return p.errf(field+"."+k, "unknown field; an exception has policyName and ruleNames")
			}
		}
		if t.Policy == "" {
			return p.errf(field+".policyName", "required: the policy name (namespace/name for a Policy)")
		}
		if len(t.Rules) == 0 {
			return p.errf(field+".ruleNames", `required: the rules to except, or ["*"] for all`)
		}
		p.x.Targets = append(p.x.Targets, t)
	}
	return nil
}

func (p *parser) podSecurity(v *yaml.Node) error {
	ex, err := podsecurity.ParseExcludes(yaml.NewRNode(v))
	if err != nil {
		var re *podsecurity.RuleError
		if errors.As(err, &re) {
			field := "spec.podSecurity" + strings.TrimPrefix(re.Field, "exclude")
			if re.Value != "" {
				return p.errf(field, "invalid value %q: %s", re.Value, re.Reason)
			}
			return p.errf(field, "%s", re.Reason)
		}
		return p.wrap("spec.podSecurity", err)
	}
	p.x.PodSecurity = ex
	return nil
}

// celSpec reads a policies.kyverno.io PolicyException spec.
func (p *parser) celSpec(spec *yaml.Node) error {
	for i := 0; i+1 < len(spec.Content); i += 2 {
		k, v := spec.Content[i].Value, spec.Content[i+1]
		switch k {
		case "policyRefs":
			if err := p.policyRefs(v); err != nil {
				return err
			}
		case "matchConditions":
			if err := p.matchConditions(v); err != nil {
				return err
			}
		case "properties":
			// Metadata for people (reason, ticket, approver): any
			// string values.
			if v.Kind != yaml.MappingNode {
				return p.errf("spec.properties", "must be a mapping of strings")
			}
		case "images", "allowedValues":
			// A fine-grained exception: the policy still runs, and reads
			// them through exceptions.allowedImages and allowedValues.
			l, ok := scalarList(v)
			if !ok {
				return p.errf("spec."+k, "must be a list of strings")
			}
			if k == "images" {
				p.x.Images = l
			} else {
				p.x.AllowedValues = l
			}
		case "reportResult":
			switch s := yamlnode.Scalar(v); s {
			case "", "skip":
			case "pass":
				p.x.ReportPass = true
			default:
				return p.errf("spec.reportResult", "invalid value %q: expected skip or pass", s)
			}
		case "expiresAt":
			s := yamlnode.Scalar(v)
			t, err := time.Parse(time.RFC3339, s)
			if err != nil {
				return p.errf("spec.expiresAt", "%q is not an RFC 3339 date-time (2025-12-31T23:59:59Z)", s)
			}
			if p.x.Expires.IsZero() || t.Before(p.x.Expires) {
				p.x.Expires, p.x.ExpiresText, p.x.ExpiresDate = t, s, false
			}
		default:
			return p.errf("spec."+k, "unknown field; a %s PolicyException has policyRefs, matchConditions, images, allowedValues, reportResult, expiresAt and properties", p.x.APIVersion)
		}
	}
	if len(p.x.Targets) == 0 {
		return p.errf("spec.policyRefs", "required: a list of {name, kind}")
	}
	return nil
}

func (p *parser) policyRefs(v *yaml.Node) error {
	if v.Kind != yaml.SequenceNode {
		return p.errf("spec.policyRefs", "must be a list of {name, kind}")
	}
	for i, e := range v.Content {
		field := fmt.Sprintf("spec.policyRefs[%d]", i)
		if e.Kind != yaml.MappingNode {
			return p.errf(field, "must be a mapping with name and kind")
		}
		var t Target
		for j := 0; j+1 < len(e.Content); j += 2 {
			k, val := e.Content[j].Value, e.Content[j+1]
			switch k {
			case "name":
				t.Policy = yamlnode.Scalar(val)
			case "kind":
				t.Kind = yamlnode.Scalar(val)
			default:
				return p.errf(field+"."+k, "unknown field; a policyRef has name and kind")
			}
		}
		if t.Policy == "" {
			return p.errf(field+".name", "required")
		}
		if t.Kind == "" {
			return p.errf(field+".kind", "required, e.g. ClusterPolicy")
		}
		p.x.Targets = append(p.x.Targets, t)
	}
	return nil
}

// strings_ reads a list of scalars; null is an empty list.
func scalarList(n *yaml.Node) ([]string, bool) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, true
	}
	if n.Kind != yaml.SequenceNode {
		return nil, false
	}
	out := make([]string, 0, len(n.Content))
	for _, e := range n.Content {
		if e.Kind != yaml.ScalarNode {
			return nil, false
		}
		out = append(out, e.Value)
	}
	return out, true
}
