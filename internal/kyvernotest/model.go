package kyvernotest

import (
	"encoding/json"
	"path"
	"slices"
	"strings"
)

// Test is a Kyverno CLI test file: apiVersion cli.kyverno.io/v1alpha1,
// kind Test, or the older un-typed form with a top-level name.
type Test struct {
	APIVersion string   `json:"apiVersion,omitempty"`
	Kind       string   `json:"kind,omitempty"`
	Metadata   Metadata `json:"metadata,omitempty"`
	// Name is the un-typed form's name (metadata.name in the typed form).
	Name      string   `json:"name,omitempty"`
	Policies  []string `json:"policies,omitempty"`
	Resources []string `json:"resources,omitempty"`
	// JSONPayloads are JSON (or YAML) files holding one object each, which
	// are not Kubernetes resources: what ValidatingPolicies in JSON
	// evaluation mode check. JSONPayload is the older single form.
	JSONPayloads []string `json:"jsonPayloads,omitempty"`
	JSONPayload  string   `json:"jsonPayload,omitempty"`
	// HTTPPayloads and EnvoyPayloads are authorization requests, for
	// ValidatingPolicies in HTTP and Envoy evaluation mode: read, and
	// reported as unsupported.
	HTTPPayloads  []string `json:"httpPayloads,omitempty"`
	EnvoyPayloads []string `json:"envoyPayloads,omitempty"`
	Exceptions    []string `json:"exceptions,omitempty"`
	// ParamResources are the parameter objects of ValidatingAdmissionPolicy
	// bindings (paramRef).
	ParamResources []string `json:"paramResources,omitempty"`
	// ClusterResources name ClusterResource files: objects (and CRDs)
	// standing in for the cluster, which CEL's resource library reads.
	ClusterResources []string `json:"clusterResources,omitempty"`
	// Variables names a Values file; Values gives the values inline and
	// wins over Variables, as in Kyverno.
	Variables string            `json:"variables,omitempty"`
	Values    *Values           `json:"values,omitempty"`
	UserInfo  string            `json:"userinfo,omitempty"`
	Context   string            `json:"context,omitempty"`
	Results   []Result          `json:"results,omitempty"`
	Checks    []json.RawMessage `json:"checks,omitempty"`
	// APICallResponses and GlobalContextEntries stand in for the cluster
	// (apiCall and globalReference context entries).
	APICallResponses     []APICallResponseEntry `json:"apiCallResponses,omitempty"`
	GlobalContextEntries []GlobalContextMock    `json:"globalContextEntries,omitempty"`
}

// payloads are the test's JSON payload files, as "kyverno test" names
// them: jsonPayloads (else jsonPayload) cleaned ("./a.json" is
// "a.json"), each once.
func (t *Test) payloads() []string {
	names := t.JSONPayloads
	if len(names) == 0 && t.JSONPayload != "" {
		names = []string{t.JSONPayload}
	}
	var out []string
	for _, n := range names {
		if strings.TrimSpace(n) == "" {
			continue
		}
		if n = path.Clean(n); !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// ClusterResource is a Kyverno CLI ClusterResource file
// (cli.kyverno.io/v1alpha1): objects standing in for the cluster, and the
// CRD files that map the kinds of the custom ones.
type ClusterResource struct {
	APIVersion string   `json:"apiVersion,omitempty"`
	Kind       string   `json:"kind"`
	Metadata   Metadata `json:"metadata,omitempty"`
	Spec       struct {
		CRDs      []string          `json:"crds,omitempty"`
		Resources []json.RawMessage `json:"resources,omitempty"`
	} `json:"spec"`
}

// APICallResponseEntry is a response given for an apiCall (or CEL http)
// request: by url (service.url) or urlPath, and optionally method.
type APICallResponseEntry struct {
	URL      string `json:"url,omitempty"`
	URLPath  string `json:"urlPath,omitempty"`
	Method   string `json:"method,omitempty"`
	Response struct {
		StatusCode int             `json:"statusCode,omitempty"`
		Body       json.RawMessage `json:"body"`
	} `json:"response"`
}

// GlobalContextMock is the data of a GlobalContextEntry: data, inline
// resources or resource files (one of them), then fieldPath and
// projections.
type GlobalContextMock struct {
	Name          string            `json:"name"`
	Data          json.RawMessage   `json:"data,omitempty"`
	Resources     []json.RawMessage `json:"resources,omitempty"`
	ResourceFiles []string          `json:"resourceFiles,omitempty"`
	FieldPath     string            `json:"fieldPath,omitempty"`
	Projections   []struct {
		Name string `json:"name"`
		Path string `json:"path"`
	} `json:"projections,omitempty"`
}

// Metadata is the part of object metadata the CLI files use.
type Metadata struct {
	Name        string            `json:"name,omitempty"`
	Namespace   string            `json:"namespace,omitempty"`
	Labels      map[string]string `json:"labels,omitempty"`
	Annotations map[string]string `json:"annotations,omitempty"`
}

// Result is one expected result: a policy rule on one or more resources.
type Result struct {
	Policy string `json:"policy"`
	Rule   string `json:"rule,omitempty"`
	Kind   string `json:"kind,omitempty"`
	// Resources are names or namespace/name.
	Resources []string `json:"resources,omitempty"`
	// Result is pass, fail, skip, warn or error.
	Result string `json:"result,omitempty"`
	// Operation is the admission operation (CREATE, UPDATE, DELETE) the
	// result is about: "kyverno test" runs the policies once more for each
	// operation its results name.
	Operation string `json:"operation,omitempty"`
	// FailOnMissingResources makes a resource missing from the
	// patchedResources file a failed row; by default there is no row.
	FailOnMissingResources bool `json:"failOnMissingResources,omitempty"`
	// PatchedResources is a file with the expected mutated resources.
	PatchedResources    string `json:"patchedResources,omitempty"`
	GeneratedResource   string `json:"generatedResource,omitempty"`
	CloneSourceResource string `json:"cloneSourceResource,omitempty"`

	IsValidatingAdmissionPolicy bool `json:"isValidatingAdmissionPolicy,omitempty"`
	IsMutatingAdmissionPolicy   bool `json:"isMutatingAdmissionPolicy,omitempty"`
	IsValidatingPolicy          bool `json:"isValidatingPolicy,omitempty"`
	IsDeletingPolicy            bool `json:"isDeletingPolicy,omitempty"`
	IsImageValidatingPolicy     bool `json:"isImageValidatingPolicy,omitempty"`
	IsGeneratingPolicy          bool `json:"isGeneratingPolicy,omitempty"`
	IsMutatingPolicy            bool `json:"isMutatingPolicy,omitempty"`

	// Deprecated fields of older test files.
	Status          string `json:"status,omitempty"`
	Resource        string `json:"resource,omitempty"`
	Namespace       string `json:"namespace,omitempty"`
	PatchedResource string `json:"patchedResource,omitempty"`

	ResourceSpecs []json.RawMessage `json:"resourceSpecs,omitempty"`
}

// expected returns the expected result, from result or the deprecated
// status.
func (r *Result) expected() string {
	if r.Result != "" {
		return r.Result
	}
	return r.Status
}

// patched returns the expected patched file, from patchedResources or the
// deprecated patchedResource.
func (r *Result) patched() string {
	if r.PatchedResources != "" {
		return r.PatchedResources
	}
	return r.PatchedResource
}

// resources returns the resource names, from resources or the deprecated
// resource.
func (r *Result) resources() []string {
	if len(r.Resources) > 0 {
		return r.Resources
	}
	if r.Resource != "" {
		return []string{r.Resource}
	}
	return nil
}

// celKinds are the otherKind kinds "preadmit test" runs.
var celKinds = map[string]bool{"ValidatingPolicy": true, "ValidatingAdmissionPolicy": true,
	"MutatingPolicy": true, "MutatingAdmissionPolicy": true}

// otherKind names the policy kind a result is about when it is not a
// Kyverno ClusterPolicy or Policy, or "".
func (r *Result) otherKind() string {
	switch {
	case r.IsValidatingAdmissionPolicy:
		return "ValidatingAdmissionPolicy"
	case r.IsMutatingAdmissionPolicy:
		return "MutatingAdmissionPolicy"
	case r.IsValidatingPolicy:
		return "ValidatingPolicy"
	case r.IsDeletingPolicy:
		return "DeletingPolicy"
	case r.IsImageValidatingPolicy:
		return "ImageValidatingPolicy"
	case r.IsGeneratingPolicy:
		return "GeneratingPolicy"
	case r.IsMutatingPolicy:
		return "MutatingPolicy"
	}
	return ""
}

// Values is a Kyverno CLI values file (cli.kyverno.io/v1alpha1 Values), or
// a Test's inline values.
type Values struct {
	APIVersion   string                 `json:"apiVersion,omitempty"`
	Kind         string                 `json:"kind,omitempty"`
	Metadata     Metadata               `json:"metadata,omitempty"`
	GlobalValues map[string]interface{} `json:"globalValues,omitempty"`
	Policies     []ValuesPolicy         `json:"policies,omitempty"`
	// NamespaceSelectors give the labels of namespaces by name.
	NamespaceSelectors []NamespaceLabels `json:"namespaceSelector,omitempty"`
	// Namespaces are Namespace objects, for their labels.
	Namespaces []Namespace `json:"namespaces,omitempty"`
	// Subresources name the kinds of subresource documents (PodExecOptions,
	// Scale) and the resource each is a subresource of.
	Subresources []ValuesSubresource `json:"subresources,omitempty"`
	// Variables are ValidatingAdmissionPolicy variables (unused here).
	Variables map[string]string `json:"variables,omitempty"`
}

// ValuesSubresource is an entry of a values file's subresources: two
// Kubernetes APIResources.
type ValuesSubresource struct {
	Subresource    APIResource `json:"subresource"`
	ParentResource APIResource `json:"parentResource"`
}

// APIResource is the part of a Kubernetes APIResource (metav1) the CLI
// reads, and the fields it may carry.
type APIResource struct {
	Name               string   `json:"name"`
	SingularName       string   `json:"singularName,omitempty"`
	Namespaced         bool     `json:"namespaced,omitempty"`
	Group              string   `json:"group,omitempty"`
	Version            string   `json:"version,omitempty"`
	Kind               string   `json:"kind"`
	Verbs              []string `json:"verbs"`
	ShortNames         []string `json:"shortNames,omitempty"`
	Categories         []string `json:"categories,omitempty"`
	StorageVersionHash string   `json:"storageVersionHash,omitempty"`
}

// apiVersion is the group/version of the resource.
func (a APIResource) apiVersion() string {
	if a.Group == "" {
		return a.Version
	}
	return a.Group + "/" + a.Version
}

// ValuesPolicy holds the values of one policy, per rule and per resource.
type ValuesPolicy struct {
	Name      string           `json:"name"`
	Rules     []ValuesRule     `json:"rules,omitempty"`
	Resources []ValuesResource `json:"resources,omitempty"`
}

// ValuesRule holds the values of one rule.
type ValuesRule struct {
	Name          string                   `json:"name"`
	Values        map[string]interface{}   `json:"values,omitempty"`
	ForeachValues map[string][]interface{} `json:"foreachValues,omitempty"`
}

// ValuesResource holds the values of one resource.
type ValuesResource struct {
	Name   string                 `json:"name"`
	Values map[string]interface{} `json:"values,omitempty"`
}

// NamespaceLabels is an entry of namespaceSelector.
type NamespaceLabels struct {
	Name   string            `json:"name"`
	Labels map[string]string `json:"labels,omitempty"`
}

// Namespace is a Namespace object of a values file.
type Namespace struct {
	APIVersion string          `json:"apiVersion,omitempty"`
	Kind       string          `json:"kind,omitempty"`
	Metadata   Metadata        `json:"metadata"`
	Spec       json.RawMessage `json:"spec,omitempty"`
	Status     json.RawMessage `json:"status,omitempty"`
}

// UserInfo is a Kyverno CLI userinfo file (cli.kyverno.io/v1alpha1
// UserInfo, or the older un-typed RequestInfo).
type UserInfo struct {
	APIVersion   string   `json:"apiVersion,omitempty"`
	Kind         string   `json:"kind,omitempty"`
	Metadata     Metadata `json:"metadata,omitempty"`
	Roles        []string `json:"roles,omitempty"`
	ClusterRoles []string `json:"clusterRoles,omitempty"`
	UserInfo     struct {
		Username string              `json:"username,omitempty"`
		UID      string              `json:"uid,omitempty"`
		Groups   []string            `json:"groups,omitempty"`
		Extra    map[string][]string `json:"extra,omitempty"`
	} `json:"userInfo,omitempty"`
}

// ContextFile is a Kyverno CLI context file (cli.kyverno.io/v1alpha1
// Context): cluster resources and image data standing in for the cluster.
type ContextFile struct {
	APIVersion string   `json:"apiVersion,omitempty"`
	Kind       string   `json:"kind,omitempty"`
	Metadata   Metadata `json:"metadata,omitempty"`
	Spec       struct {
		Resources []map[string]interface{} `json:"resources,omitempty"`
		Images    []json.RawMessage        `json:"images,omitempty"`
	} `json:"spec"`
}
