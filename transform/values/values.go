package values

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	sigsyaml "sigs.k8s.io/yaml"

	"github.com/preadmit/preadmit/transform/schema"
)

// File is a Kyverno CLI values file as the engine uses it.
type File struct {
	// Global are globalValues, by dotted path.
	Global map[string]interface{}
	// Policies are the per-policy rule and resource values.
	Policies map[string]PolicyValues
	// NamespaceLabels are namespaceSelector (and namespaces) labels.
	NamespaceLabels map[string]map[string]string
	// NamespaceAnnotations are the annotations of the namespaces a file
	// gives in full (namespaces), for CEL's namespaceObject.
	NamespaceAnnotations map[string]map[string]string
}

// FileError reports a values or context file that cannot be used. It
// names the file and, when known, the field.
type FileError struct {
	File  string
	Field string
	Err   error
}

func (e *FileError) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s: %v", e.File, e.Field, e.Err)
	}
	return fmt.Sprintf("%s: %v", e.File, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// The schema of cli.kyverno.io/v1alpha1 Values (kyverno's
// cmd/cli/kubectl-kyverno/apis/v1alpha1/values*.go).
type valuesDoc struct {
	APIVersion   string                 `json:"apiVersion,omitempty"`
	Kind         string                 `json:"kind,omitempty"`
	Metadata     map[string]interface{} `json:"metadata,omitempty"`
	GlobalValues map[string]interface{} `json:"globalValues,omitempty"`
	Policies     []struct {
		Name      string `json:"name"`
		Resources []struct {
			Name   string                 `json:"name"`
			Values map[string]interface{} `json:"values,omitempty"`
		} `json:"resources,omitempty"`
		Rules []struct {
			Name          string                 `json:"name"`
			Values        map[string]interface{} `json:"values,omitempty"`
			ForeachValues []interface{}          `json:"foreachValues,omitempty"`
		} `json:"rules,omitempty"`
	} `json:"policies,omitempty"`
	NamespaceSelector []struct {
		Name   string            `json:"name"`
		Labels map[string]string `json:"labels"`
	} `json:"namespaceSelector,omitempty"`
	Namespaces []struct {
		APIVersion string `json:"apiVersion,omitempty"`
		Kind       string `json:"kind,omitempty"`
		Metadata   struct {
			Name        string            `json:"name"`
			Labels      map[string]string `json:"labels,omitempty"`
			Annotations map[string]string `json:"annotations,omitempty"`
		} `json:"metadata"`
	} `json:"namespaces,omitempty"`
	Subresources []interface{}     `json:"subresources,omitempty"`
	Variables    map[string]string `json:"variables,omitempty"`
}

// unknownFields returns a FileError for each field of a values file that
// the Values schema does not have, with the nearest field name.
func unknownFields(data []byte, file string) error {
	var doc interface{}
	if err := sigsyaml.Unmarshal(data, &doc); err != nil {
		return &FileError{File: file, Err: fmt.Errorf("not a YAML object: %w", err)}
	}
	var errs []error
	for _, u := range schema.UnknownFields(doc, reflect.TypeFor[valuesDoc]()) {
		errs = append(errs, &FileError{File: file, Field: u.Path, Err: u.Problem()})
	}
	return errors.Join(errs...)
}

// Load parses a values file. The apiVersion and kind may be left out, as
// older Kyverno CLI files do; any other kind is an error, and so are
// unknown fields (a typo must not silently drop a value).
func Load(data []byte, file string) (*File, error) {
	var head struct {
		APIVersion string `json:"apiVersion"`
		Kind       string `json:"kind"`
	}
	if err := sigsyaml.Unmarshal(data, &head); err != nil {
		return nil, &FileError{File: file, Err: fmt.Errorf("not a YAML object: %w", err)}
	}
	if head.Kind != "" && head.Kind != "Values" {
		return nil, &FileError{File: file, Field: "kind", Err: fmt.Errorf("got %q, want Values (apiVersion cli.kyverno.io/v1alpha1)", head.Kind)}
	}
	if head.APIVersion != "" && head.APIVersion != "cli.kyverno.io/v1alpha1" {
		return nil, &FileError{File: file, Field: "apiVersion", Err: fmt.Errorf("got %q, want cli.kyverno.io/v1alpha1", head.APIVersion)}
	}
	if err := unknownFields(data, file); err != nil {
		return nil, err
	}
	var d valuesDoc
	if err := sigsyaml.UnmarshalStrict(data, &d); err != nil {
		return nil, &FileError{File: file, Err: fmt.Errorf("not a Kyverno values file: %w", err)}
	}
	f := &File{Global: d.GlobalValues, Policies: map[string]PolicyValues{}, NamespaceLabels: map[string]map[string]string{}}
	for i, p := range d.Policies {
		if p.Name == "" {
			return nil, &FileError{File: file, Field: fmt.Sprintf("policies[%d].name", i), Err: fmt.Errorf("is required")}
		}
		pv := f.Policies[p.Name]
		for j, r := range p.Resources {
			if r.Name == "" {
				return nil, &FileError{File: file, Field: fmt.Sprintf("policies[%d].resources[%d].name", i, j), Err: fmt.Errorf("is required")}
			}
			if pv.Resources == nil {
				pv.Resources = map[string]map[string]interface{}{}
			}
			pv.Resources[r.Name] = merge(pv.Resources[r.Name], r.Values)
		}
		for j, r := range p.Rules {
			if r.Name == "" {
				return nil, &FileError{File: file, Field: fmt.Sprintf("policies[%d].rules[%d].name", i, j), Err: fmt.Errorf("is required")}
			}
			if len(r.ForeachValues) > 0 {
				return nil, &FileError{File: file, Field: fmt.Sprintf("policies[%d].rules[%d].foreachValues", i, j),
					Err: fmt.Errorf("not supported: preadmit evaluates foreach lists from the resource; give the values in values instead")}
			}
			if pv.Rules == nil {
				pv.Rules = map[string]map[string]interface{}{}
			}
			pv.Rules[r.Name] = merge(pv.Rules[r.Name], r.Values)
		}
		f.Policies[p.Name] = pv
	}
	for _, n := range d.NamespaceSelector {
		f.NamespaceLabels[n.Name] = n.Labels
	}
	// namespaces take precedence over namespaceSelector, as in Kyverno.
	for _, n := range d.Namespaces {
		f.NamespaceLabels[n.Metadata.Name] = n.Metadata.Labels
		if len(n.Metadata.Annotations) > 0 {
			if f.NamespaceAnnotations == nil {
				f.NamespaceAnnotations = map[string]map[string]string{}
			}
			f.NamespaceAnnotations[n.Metadata.Name] = n.Metadata.Annotations
		}
	}
	return f, nil
}

func merge(dst, src map[string]interface{}) map[string]interface{} {
	if dst == nil {
		dst = map[string]interface{}{}
	}
	for k, v := range src {
		dst[k] = v
	}
	return dst
}

// PolicyValues are the values a Kyverno CLI values file gives one policy.
type PolicyValues struct {
	// Resources are values by resource name, set for every rule of the
	// policy evaluated on a resource of that name.
	Resources map[string]map[string]interface{}
	// Rules are values by rule name, set in that rule's context after the
	// resource values. A rule value named like an apiCall, imageRegistry
	// or globalReference context entry stands for that entry, which is
	// then not an error: the Kyverno CLI's way to mock external data.
	Rules map[string]map[string]interface{}
}

// For returns the values one rule sees on one resource: the resource's
// (by name), then the rule's, as the Kyverno CLI sets them. An autogen rule
// ("autogen-x", "autogen-cronjob-x") also gets the values of the rule it
// was generated from, unless it has its own.
func (f *File) For(policy, rule, resource string) map[string]interface{} {
	pv, ok := f.Policies[policy]
	if !ok {
		return nil
	}
	res := pv.Resources[resource]
	rv, ok := pv.Rules[rule]
	if !ok {
		base := strings.TrimPrefix(strings.TrimPrefix(rule, "autogen-cronjob-"), "autogen-")
		rv = pv.Rules[base]
	}
	if len(res) == 0 && len(rv) == 0 {
		return nil
	}
	out := make(map[string]interface{}, len(res)+len(rv))
	for k, v := range res {
		out[k] = v
	}
	for k, v := range rv {
		out[k] = v
	}
	return out
}
