package schema

import (
	"bytes"
	"encoding/json"
	"errors"

	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	kjson "k8s.io/apimachinery/pkg/util/json"
)

// props mirrors the apiextensions/v1 JSONSchemaProps fields that Kyverno's
// CRDs use, with the same JSON names, as plain fields: decoding into the
// v1 type itself re-parses every nested items and additionalProperties
// (their UnmarshalJSON methods) and took 16 ms for the ClusterPolicy schema
// against a few here. The generator writes only what props holds (a test
// decodes every embedded schema strictly and compares the result with the
// v1 type's own conversion).
type props struct {
	Type                 string            `json:"type,omitempty"`
	Nullable             bool              `json:"nullable,omitempty"`
	Format               string            `json:"format,omitempty"`
	Maximum              *float64          `json:"maximum,omitempty"`
	ExclusiveMaximum     bool              `json:"exclusiveMaximum,omitempty"`
	Minimum              *float64          `json:"minimum,omitempty"`
	ExclusiveMinimum     bool              `json:"exclusiveMinimum,omitempty"`
	MaxLength            *int64            `json:"maxLength,omitempty"`
	MinLength            *int64            `json:"minLength,omitempty"`
	Pattern              string            `json:"pattern,omitempty"`
	MaxItems             *int64            `json:"maxItems,omitempty"`
	MinItems             *int64            `json:"minItems,omitempty"`
	UniqueItems          bool              `json:"uniqueItems,omitempty"`
	MultipleOf           *float64          `json:"multipleOf,omitempty"`
	Enum                 []json.RawMessage `json:"enum,omitempty"`
	MaxProperties        *int64            `json:"maxProperties,omitempty"`
	MinProperties        *int64            `json:"minProperties,omitempty"`
	Required             []string          `json:"required,omitempty"`
	Items                *props            `json:"items,omitempty"`
	AllOf                []props           `json:"allOf,omitempty"`
	OneOf                []props           `json:"oneOf,omitempty"`
	AnyOf                []props           `json:"anyOf,omitempty"`
	Not                  *props            `json:"not,omitempty"`
	Properties           map[string]props  `json:"properties,omitempty"`
	AdditionalProperties *props            `json:"additionalProperties,omitempty"`

	XPreserveUnknownFields *bool    `json:"x-kubernetes-preserve-unknown-fields,omitempty"`
	XEmbeddedResource      bool     `json:"x-kubernetes-embedded-resource,omitempty"`
	XIntOrString           bool     `json:"x-kubernetes-int-or-string,omitempty"`
	XListMapKeys           []string `json:"x-kubernetes-list-map-keys,omitempty"`
	XListType              *string  `json:"x-kubernetes-list-type,omitempty"`
	XMapType               *string  `json:"x-kubernetes-map-type,omitempty"`
}

// decodeProps decodes a schema strictly: a field props lacks is an error,
// not a keyword silently ignored.
func decodeProps(raw []byte) (*props, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var p props
	if err := dec.Decode(&p); err != nil {
		return nil, err
	}
	return &p, nil
}

// structural is p as the API server's structural schema, as
// structuralschema.NewStructural makes it from the internal JSONSchemaProps
// that apiextensions/v1's conversion gives; built directly, without the
// internal form, it costs about half (BenchmarkCompile). TestPropsAsAPIServer
// holds every embedded schema to the library's result.
func (p *props) structural() (*structuralschema.Structural, error) {
	vv, err := p.valueValidation()
	if err != nil {
		return nil, err
	}
	x, err := p.extensions()
	if err != nil {
		return nil, err
	}
	s := &structuralschema.Structural{
		Generic:         structuralschema.Generic{Type: p.Type, Nullable: p.Nullable},
		Extensions:      x,
		ValueValidation: vv,
	}
	if p.Items != nil {
		if s.Items, err = p.Items.structural(); err != nil {
			return nil, err
		}
	}
	if len(p.Properties) > 0 {
		if s.Properties, err = eachProperty(p.Properties, (*props).structural); err != nil {
			return nil, err
		}
	}
	if p.AdditionalProperties != nil {
		a, err := p.AdditionalProperties.structural()
		if err != nil {
			return nil, err
		}
		s.AdditionalProperties = &structuralschema.StructuralOrBool{Structural: a, Bool: true}
	}
	return s, nil
}

func (p *props) extensions() (structuralschema.Extensions, error) {
	x := structuralschema.Extensions{
		XEmbeddedResource: p.XEmbeddedResource,
		XIntOrString:      p.XIntOrString,
		XListMapKeys:      p.XListMapKeys,
		XListType:         p.XListType,
		XMapType:          p.XMapType,
	}
	if p.XPreserveUnknownFields != nil {
		if !*p.XPreserveUnknownFields {
			return x, errors.New("'x-kubernetes-preserve-unknown-fields' must be true or undefined")
		}
		x.XPreserveUnknownFields = true
	}
	return x, nil
}

func (p *props) valueValidation() (*structuralschema.ValueValidation, error) {
	v := &structuralschema.ValueValidation{
		Format: p.Format, Maximum: p.Maximum, ExclusiveMaximum: p.ExclusiveMaximum,
		Minimum: p.Minimum, ExclusiveMinimum: p.ExclusiveMinimum,
		MaxLength: p.MaxLength, MinLength: p.MinLength, Pattern: p.Pattern,
		MaxItems: p.MaxItems, MinItems: p.MinItems, UniqueItems: p.UniqueItems,
		MultipleOf: p.MultipleOf, MaxProperties: p.MaxProperties, MinProperties: p.MinProperties,
		Required: p.Required,
	}
	var err error
	if p.Not != nil {
		if v.Not, err = p.Not.nested(); err != nil {
			return nil, err
		}
	}
	for _, raw := range p.Enum {
		var e interface{}
		if err := kjson.Unmarshal(raw, &e); err != nil {
			return nil, err
		}
		v.Enum = append(v.Enum, structuralschema.JSON{Object: e})
	}
	for _, l := range []struct {
		in  []props
		out *[]structuralschema.NestedValueValidation
	}{{p.AllOf, &v.AllOf}, {p.AnyOf, &v.AnyOf}, {p.OneOf, &v.OneOf}} {
		for i := range l.in {
			n, err := l.in[i].nested()
			if err != nil {
				return nil, err
			}
			*l.out = append(*l.out, *n)
		}
	}
	return v, nil
}

// nested is p as a clause of allOf, anyOf, oneOf or not.
func (p *props) nested() (*structuralschema.NestedValueValidation, error) {
	vv, err := p.valueValidation()
	if err != nil {
		return nil, err
	}
	x, err := p.extensions()
	if err != nil {
		return nil, err
	}
	n := &structuralschema.NestedValueValidation{
		ValueValidation:     *vv,
		ForbiddenGenerics:   structuralschema.Generic{Type: p.Type, Nullable: p.Nullable},
		ForbiddenExtensions: x,
	}
	if p.Items != nil {
		if n.Items, err = p.Items.nested(); err != nil {
			return nil, err
		}
	}
	if p.Properties != nil {
		if n.Properties, err = eachProperty(p.Properties, (*props).nested); err != nil {
			return nil, err
		}
	}
	if p.AdditionalProperties != nil {
		if n.AdditionalProperties, err = p.AdditionalProperties.nested(); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// eachProperty converts every property schema with convert, the structural
// or the nested form.
func eachProperty[T any](in map[string]props, convert func(*props) (*T, error)) (map[string]T, error) {
	out := make(map[string]T, len(in))
	for k := range in {
		pp := in[k]
		f, err := convert(&pp)
		if err != nil {
			return nil, err
		}
		out[k] = *f
	}
	return out, nil
}
