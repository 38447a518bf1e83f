package transform

import (
	"fmt"
	"strings"
	"time"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/exception"
	"github.com/preadmit/preadmit/transform/match"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
	"github.com/preadmit/preadmit/transform/stream"
)

// Mode overrides every validate rule's failure action, or keeps each rule's
// own when empty.
type Mode string

// The modes of --mode.
const (
	ModePolicy  Mode = ""
	ModeAudit   Mode = "audit"
	ModeWarn    Mode = "warn"
	ModeEnforce Mode = "enforce"
)

// ParseMode reads a --mode value.
func ParseMode(s string) (Mode, error) {
	if m := Mode(strings.ToLower(s)); m.Valid() {
		return m, nil
	}
	return "", fmt.Errorf("unknown mode %q: expected audit, warn or enforce", s)
}

// Valid reports whether m is one of the modes.
func (m Mode) Valid() bool {
	switch m {
	case ModePolicy, ModeAudit, ModeWarn, ModeEnforce:
		return true
	}
	return false
}

func (m Mode) action() report.Action {
	switch m {
	case ModeAudit:
		return report.ActionAudit
	case ModeWarn:
		return report.ActionWarn
	case ModeEnforce:
		return report.ActionEnforce
	}
	return ""
}

// Options configure an Engine.
type Options struct {
	Policies []*policy.Policy
	Mode     Mode
	// Namespace is given to namespaced resources that do not name one, as
	// Helm and kubectl do at apply time. Default "default".
	Namespace string
	Limits    stream.Limits
	// Variables are set in every rule's context before anything else, by
	// dotted path (e.g. "preadmit.registry"), as Kyverno CLI's --set and
	// values files give them.
	Variables map[string]interface{}
	// ConfigMaps are the ConfigMaps context entries may read besides those
	// in the stream, by "namespace/name", each the ConfigMap as a JSON-like
	// object.
	ConfigMaps map[string]interface{}
	// NamespaceLabels are the labels of namespaces, by name, for
	// namespaceSelector (as a Kyverno CLI values file gives them). Namespace
	// objects in the stream add theirs; every namespace also has the
	// kubernetes.io/metadata.name label the API server sets.
	NamespaceLabels map[string]map[string]string
	// NamespaceAnnotations are the annotations of namespaces, by name, that
	// CEL's namespaceObject carries when the stream has no such Namespace
	// (a values file's namespaces).
	NamespaceAnnotations map[string]map[string]string
	// Workers is how many documents render at once; 0 means one per CPU.
	// The output is the same whatever the number.
	Workers int
	// Now is the clock of time functions and of exception expiry; nil
	// means time.Now.
	Now func() time.Time
	// Values, when set, gives the variables one rule sees on one resource,
	// as the Kyverno CLI's values file does (globalValues, per-policy
	// resource values, per-rule values); "preadmit test" sets it, renders
	// leave it nil. They are set after the request variables the engine
	// computes and may override them: a request.operation of UPDATE or
	// DELETE is the operation match.resources.operations compares, and it
	// sets request.oldObject to the resource unless a value gives one. A
	// value named like a context entry that needs a cluster (apiCall,
	// imageRegistry, globalReference, configMap) stands in for it.
	Values func(ValuesFor) map[string]interface{}
	// UserInfo is the admission request's user, as the Kyverno CLI's
	// userinfo file gives it; "preadmit test" sets it (empty when the test
	// names no file), renders leave it nil. When set, match and exclude
	// check roles, clusterRoles and subjects as Kyverno does, and
	// request.userInfo, request.roles, request.clusterRoles,
	// serviceAccountName and serviceAccountNamespace are Kyverno's values
	// for it. When nil, a block that needs a user selects nothing.
	UserInfo *match.UserInfo
	// GlobalContext stands in for the cluster's GlobalContextEntry
	// objects, by name, as kyverno test's globalContextEntries mocks do:
	// when set, every globalReference context entry reads it (an entry
	// it lacks is the rule's error). Renders leave it nil.
	GlobalContext map[string]GlobalContextEntry
	// Offline names the CEL libraries of ValidatingPolicy and
	// MutatingPolicy that read the cluster or the network and are answered
	// here, as the Kyverno CLI answers them from its files: resource from
	// ConfigMaps and ClusterObjects, globalContext from GlobalContext, http
	// from APICallResponses, image data from ImageData. A call they cannot
	// answer is the rule's error; a policy calling a library not named is
	// a policy error. "preadmit test" names them all (AllOffline), a render
	// given context files resource and image data.
	Offline OfflineLibraries
	// ImageData is what image.GetMetadata reads under Offline.Images, by
	// image as the expression writes it (a context file's images).
	ImageData map[string]map[string]any
	// APICallResponses stand in for the responses of apiCall context
	// entries, as kyverno test's apiCallResponses mocks do: an entry whose
	// URL (service.url, or urlPath) and method match one reads its body.
	APICallResponses []APICallResponse
	// Subresources map the kinds of subresource documents to the resource
	// they are a subresource of, as a Kyverno CLI values file's
	// subresources do: with {v1 PodExecOptions, v1 Pod, exec}, a
	// PodExecOptions document is matched as the exec subresource of a Pod
	// (kinds: [Pod/exec]), and not as a PodExecOptions. "preadmit test"
	// sets it; renders leave it nil.
	Subresources []Subresource
	// Exceptions are PolicyExceptions read from files (exception.LoadPaths,
	// or the Others of a policy set); those in the stream are added to them
	// per render.
	Exceptions []*exception.Exception
	// CELObjects are documents CEL policies read beside the stream:
	// parameter objects (paramRef), Namespaces (namespaceObject) and
	// CustomResourceDefinitions (the REST mapping of their kinds).
	CELObjects []*yaml.RNode
	// ClusterObjects stand in for the cluster under Offline.Resources: the
	// objects CEL's resource library gets and lists (a test's
	// clusterResources, a context file's objects other than ConfigMaps),
	// beside Options.ConfigMaps.
	ClusterObjects []*yaml.RNode
	// KeepExceptions writes the stream's PolicyException documents to the
	// output. By default they are consumed: applied, and not passed on
	// (nor are rules run on them) — the one case of a document not written
	// back.
	KeepExceptions bool
	// RequireExceptionMetadata rejects, as *exception.Error values, every
	// exception without owner, reason and expiry.
	RequireExceptionMetadata bool
	// FindingsOnly keeps in Output.Results only the results a person must
	// read: fail, warn and error. Pass and skip results are only counted,
	// in Output.Totals. For a filter that writes no full report.
	FindingsOnly bool
	// Compact makes Render hold a stream as bytes: documents are parsed,
	// rendered and encoded batch by batch, and each keeps its rendered
	// bytes (Document.Out), not its tree, so Output.Docs have no Node and
	// memory stays near the size of the stream. For a filter that only
	// writes the stream out.
	Compact bool
}

// Subresource maps the kind of a subresource's documents to its resource.
type Subresource struct {
	// APIVersion and Kind are the subresource documents' (v1
	// PodExecOptions, autoscaling/v1 Scale).
	APIVersion, Kind string
	// ParentAPIVersion and ParentKind are the resource's (v1 Pod, apps/v1
	// Deployment).
	ParentAPIVersion, ParentKind string
	// Name is the subresource (exec, scale).
	Name string
}

// ValuesFor names the rule and resource Options.Values is asked about.
type ValuesFor struct {
	// Policy is the policy name; PolicyNamespace is set for a namespaced
	// Policy.
	Policy, PolicyNamespace string
	// Rule is the rule name, "autogen-..." for generated rules.
	Rule     string
	Resource report.Resource
}
