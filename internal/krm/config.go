package krm

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/pipeline"
	"github.com/preadmit/preadmit/transform/schema"
	"github.com/preadmit/preadmit/transform/stream"
)

// The functionConfig kind preadmit defines (docs/krm-function.md,
// docs/schema/preadmit-fn-config.schema.json).
const (
	APIVersion = "fn.preadmit.io/v1alpha1"
	Kind       = "Preadmit"
)

// Spec carries the settings of "preadmit render", one field per flag.
type Spec struct {
	// PolicyPaths are Kyverno policy files or directories (--policy).
	PolicyPaths []string `json:"policyPaths,omitempty"`
	// Policies are inline ClusterPolicy and Policy objects. Config.Policies
	// holds them as nodes; this field only checks their shape.
	Policies []interface{} `json:"policies,omitempty"`
	// NoBuiltin leaves the embedded library out (--no-builtin).
	NoBuiltin bool `json:"noBuiltin,omitempty"`
	// Profile is the built-in Pod Security Standards profile (--profile).
	Profile string `json:"profile,omitempty"`
	// Enable names opt-in built-in policies (--enable).
	Enable []string `json:"enable,omitempty"`
	// Disable names policies to leave out (--disable).
	Disable []string `json:"disable,omitempty"`
	// Mode overrides every rule's failure action (--mode).
	Mode string `json:"mode,omitempty"`
	// Namespace is given to namespaced resources that name none (--namespace).
	Namespace string `json:"namespace,omitempty"`
	// Registry is the mirror registry (--registry, variable preadmit.registry).
	Registry string `json:"registry,omitempty"`
	// Variables are set in every rule's context by dotted path (--set).
	Variables map[string]interface{} `json:"variables,omitempty"`
	// ExceptionPaths are PolicyException files or directories (--exceptions).
	ExceptionPaths []string `json:"exceptionPaths,omitempty"`
	// ParamPaths are parameter objects for CEL policies' paramRef
	// (--params); CRDPaths CustomResourceDefinitions for the REST mapping
	// of their kinds (--crd). Files or directories.
	ParamPaths []string `json:"paramPaths,omitempty"`
	CRDPaths   []string `json:"crdPaths,omitempty"`
	// ContextPaths are context files (--context-file): objects and image
	// data standing in for the cluster and the registry.
	ContextPaths []string `json:"contextPaths,omitempty"`
	// ReportFile and ReportFormat also write the full report to a file
	// (--report-file, --report-format); "-" is stderr.
	ReportFile   string `json:"reportFile,omitempty"`
	ReportFormat string `json:"reportFormat,omitempty"`
	// Quiet silences the audit lines and the summary line on stderr (--quiet).
	Quiet bool `json:"quiet,omitempty"`
}

// Config is a parsed functionConfig.
type Config struct {
	Spec
	// Policies are the inline policies, as nodes for policy.Parse.
	Policies []*yaml.RNode
	// Options are the render settings of Spec, typed: mode, profile and
	// report format parsed here, once.
	Options pipeline.Options
}

// finish types the settings (see typed): the config, or its error.
func (c *Config) finish(kind, prefix string) (*Config, error) {
	if err := c.typed(kind, prefix); err != nil {
		return nil, err
	}
	return c, nil
}

// typed parses the settings of the Spec into c.Options; kind and prefix
// ("spec." or "data.") name the field an error is in.
func (c *Config) typed(kind, prefix string) error {
	mode, err := pipeline.ParseMode(c.Mode)
	if err != nil {
		return &ConfigError{Kind: kind, Field: prefix + "mode", Err: err}
	}
	var profile pipeline.Profile
	if c.Profile != "" {
		if profile, err = pipeline.ParseProfile(c.Profile); err != nil {
			return &ConfigError{Kind: kind, Field: prefix + "profile", Err: err}
		}
	}
	format, err := pipeline.ParseFormat(c.ReportFormat)
	if err != nil {
		return &ConfigError{Kind: kind, Field: prefix + "reportFormat", Err: err}
	}
	c.Options = pipeline.Options{
		// PolicyExceptions are read from the policy paths too.
		Policies:  append(append([]string{}, c.PolicyPaths...), c.ExceptionPaths...),
		NoBuiltin: c.NoBuiltin, Disable: c.Disable, Enable: c.Enable, Profile: profile,
		Mode: mode, Namespace: c.Namespace, Variables: c.Variables,
		Registry: pipeline.RegistryOptions{Registry: c.Registry},
		CEL:      pipeline.CELOptions{Params: c.ParamPaths, CRDs: c.CRDPaths},
		Values:   pipeline.ValuesOptions{ContextFiles: c.ContextPaths},
		Report:   pipeline.ReportOptions{File: c.ReportFile, Format: format, Quiet: c.Quiet},
	}
	return nil
}

// ConfigError is a functionConfig that cannot be read. Field names the key.
type ConfigError struct {
	Kind  string
	Field string
	Err   error
}

func (e *ConfigError) Error() string {
	where := "functionConfig " + e.Kind
	if e.Field != "" {
		where += " " + e.Field
	}
	return fmt.Sprintf("%s: %v (see docs/krm-function.md)", where, e.Err)
}

func (e *ConfigError) Unwrap() error { return e.Err }

// ParseConfig reads a functionConfig: a Preadmit object, a ConfigMap with the
// same keys as string values, or nothing (the defaults, like "preadmit
// render" without flags).
func ParseConfig(fc *yaml.RNode) (*Config, error) {
	if fc.IsNilOrEmpty() {
		c := &Config{}
		return c.finish("", "")
	}
	meta, err := fc.GetMeta()
	if err != nil {
		return nil, &ConfigError{Kind: "?", Err: fmt.Errorf("reading apiVersion and kind: %w", err)}
	}
	switch {
	case meta.Kind == Kind && meta.APIVersion == APIVersion:
		return parseObject(fc)
	case meta.Kind == "ConfigMap" && meta.APIVersion == "v1":
		return parseConfigMap(fc)
	}
	return nil, &ConfigError{Kind: meta.APIVersion + "/" + meta.Kind,
		Err: fmt.Errorf("unsupported functionConfig: expected %s %s or a v1 ConfigMap", APIVersion, Kind)}
}

func parseObject(fc *yaml.RNode) (*Config, error) {
	c := &Config{}
	spec := fc.Field("spec")
	if spec == nil || yaml.IsMissingOrNull(spec.Value) {
		return c.finish(Kind, "spec.")
	}
	b, err := spec.Value.MarshalJSON()
	if err != nil {
		return nil, &ConfigError{Kind: Kind, Field: "spec", Err: err}
	}
	if err := unknownFields(b); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c.Spec); err != nil {
		return nil, &ConfigError{Kind: Kind, Field: "spec", Err: err}
	}
	if p := spec.Value.Field("policies"); p != nil && p.Value.YNode().Kind == yaml.SequenceNode {
		for _, n := range p.Value.YNode().Content {
			c.Policies = append(c.Policies, yaml.NewRNode(n))
		}
	}
	c.Spec.Policies = nil
	return c.finish(Kind, "spec.")
}

// unknownFields returns a ConfigError for each field of spec (as JSON) that
// Spec does not have, with the nearest field name: the strict decoder's own
// error names only the first and suggests nothing.
func unknownFields(spec []byte) error {
	var doc interface{}
	if err := json.Unmarshal(spec, &doc); err != nil {
		return &ConfigError{Kind: Kind, Field: "spec", Err: err}
	}
	var errs []error
	for _, u := range schema.UnknownFields(doc, reflect.TypeFor[Spec]()) {
		errs = append(errs, &ConfigError{Kind: Kind, Field: "spec." + u.Path, Err: u.Problem()})
	}
	return errors.Join(errs...)
}

// configMapKeys are the data keys a ConfigMap functionConfig may set.
var configMapKeys = []string{"policyPaths", "policies", "noBuiltin", "profile", "enable", "disable",
	"mode", "namespace", "registry", "variables", "exceptionPaths", "paramPaths", "crdPaths", "contextPaths", "reportFile", "reportFormat", "quiet"}

// parseConfigMap reads the ConfigMap form: lists are comma-separated,
// booleans "true"/"false", policies a multi-document YAML string of Kyverno
// policies, variables a YAML mapping.
func parseConfigMap(fc *yaml.RNode) (*Config, error) {
	c := &Config{}
	data := fc.GetDataMap()
	for k, v := range data {
		field := "data." + k
		var err error
		switch k {
		case "policyPaths":
			c.PolicyPaths = list(v)
		case "exceptionPaths":
			c.ExceptionPaths = list(v)
		case "paramPaths":
			c.ParamPaths = list(v)
		case "crdPaths":
			c.CRDPaths = list(v)
		case "contextPaths":
			c.ContextPaths = list(v)
		case "enable":
			c.Enable = list(v)
		case "disable":
			c.Disable = list(v)
		case "profile":
			c.Profile = v
		case "mode":
			c.Mode = v
		case "namespace":
			c.Namespace = v
		case "registry":
			c.Registry = v
		case "reportFile":
			c.ReportFile = v
		case "reportFormat":
			c.ReportFormat = v
		case "noBuiltin":
			c.NoBuiltin, err = strconv.ParseBool(v)
		case "quiet":
			c.Quiet, err = strconv.ParseBool(v)
		case "variables":
			err = yaml.Unmarshal([]byte(v), &c.Variables)
		case "policies":
			c.Policies, err = parseDocuments(v)
		default:
			if h := schema.Nearest(k, configMapKeys); h != "" {
				err = fmt.Errorf("unknown key (did you mean %s?)", h)
			} else {
				err = fmt.Errorf("unknown key: expected one of %s", strings.Join(configMapKeys, ", "))
			}
		}
		if err != nil {
			return nil, &ConfigError{Kind: "ConfigMap", Field: field, Err: err}
		}
	}
	return c.finish("ConfigMap", "data.")
}

func list(s string) []string {
	var out []string
	for _, f := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' }) {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

func parseDocuments(s string) ([]*yaml.RNode, error) {
	docs, err := stream.Read([]byte(s), stream.DefaultLimits)
	if err != nil {
		return nil, err
	}
	var nodes []*yaml.RNode
	for _, d := range docs {
		if d.Node != nil {
			nodes = append(nodes, d.Node)
		}
	}
	if len(nodes) == 0 {
		return nil, errors.New("no documents")
	}
	return nodes, nil
}
