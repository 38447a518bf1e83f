package transform

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/google/go-containerregistry/pkg/v1/remote"
	sdkhttp "github.com/kyverno/sdk/extensions/cel/libs/http"
	apierrors "k8s.io/apimachinery/pkg/api/errors"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/preadmit/preadmit/transform/admissionmatch"
	"github.com/preadmit/preadmit/transform/cel"
	"github.com/preadmit/preadmit/transform/policy"
)

// OfflineLibraries name the CEL libraries reading the cluster or the
// network that Options answer offline (Options.Offline).
type OfflineLibraries struct {
	// Resources answers resource.Get and resource.List from
	// Options.ConfigMaps and Options.ClusterObjects.
	Resources bool
	// GlobalContext answers globalContext.Get from Options.GlobalContext.
	GlobalContext bool
	// HTTP answers http.Get and http.Post from Options.APICallResponses.
	HTTP bool
	// Images answers image.GetMetadata from Options.ImageData.
	Images bool
}

// AllOffline answers every library, as "kyverno test" does from a test's
// files.
func AllOffline() OfflineLibraries {
	return OfflineLibraries{Resources: true, GlobalContext: true, HTTP: true, Images: true}
}

// answers reports whether l answers a call cel.Program.ClusterCalls names.
func (l OfflineLibraries) answers(call string) bool {
	switch call {
	case "resource":
		return l.Resources
	case "globalContext":
		return l.GlobalContext
	case "http":
		return l.HTTP
	case "image.GetMetadata":
		return l.Images
	}
	return false
}

// celCluster is what stands in for the cluster of Kyverno's CEL libraries
// resource, globalContext, http and image data, as the Kyverno CLI's fake
// context answers them: ConfigMaps (a context file's) and ClusterObjects
// (a test's clusterResources, a context file's other objects),
// GlobalContext, APICallResponses and ImageData, for the libraries
// Options.Offline names. nil when it names none.
func (e *run) celCluster() *cel.Cluster {
	l := e.opts.Offline
	if l == (OfflineLibraries{}) {
		return nil
	}
	o := offline{opts: &e.opts, mapper: e.mapper()}
	c := &cel.Cluster{}
	if l.Resources {
		c.Resources = o
	}
	if l.GlobalContext {
		c.GlobalContext = o
	}
	if l.HTTP {
		c.HTTP = o
	}
	if l.Images {
		c.Images = o
	}
	return c
}

// offline answers the cluster libraries from the options.
type offline struct {
	opts   *Options
	mapper *admissionmatch.Mapper // maps ClusterObjects' kinds to resources
}

// clusterObjects are the Options.ClusterObjects of the group, version and
// resource, in the namespace ("" for a cluster-scoped resource), and of
// the name unless it is "".
func (o offline) clusterObjects(gvr schema.GroupVersionResource, namespace, name string) ([]map[string]any, error) {
	var out []map[string]any
	for _, n := range o.opts.ClusterObjects {
		if n.GetApiVersion() != gvr.GroupVersion().String() || n.GetNamespace() != namespace || (name != "" && n.GetName() != name) {
			continue
		}
		if m, _ := o.mapper.Map(gvr.Group, n.GetKind()); m.Resource != gvr.Resource {
			continue
		}
		b, err := n.MarshalJSON()
		if err != nil {
			return nil, err
		}
		var obj map[string]any
		if err := json.Unmarshal(b, &obj); err != nil {
			return nil, err
		}
		out = append(out, obj)
	}
	return out, nil
}

var configMapsGVR = schema.GroupVersionResource{Version: "v1", Resource: "configmaps"}

func (o offline) gvr(apiVersion, resource string) (schema.GroupVersionResource, error) {
	gv, err := schema.ParseGroupVersion(apiVersion)
	if err != nil {
		return schema.GroupVersionResource{}, err
	}
	return gv.WithResource(resource), nil
}

// GetResource is a ConfigMap of Options.ConfigMaps or an object of
// Options.ClusterObjects; anything else is not found, as in the Kyverno CLI
// with no such resource in its context file or cluster resources.
func (o offline) GetResource(apiVersion, resource, namespace, name string) (*unstructured.Unstructured, error) {
	gvr, err := o.gvr(apiVersion, resource)
	if err != nil {
		return nil, err
	}
	if gvr == configMapsGVR {
		if m, ok := o.opts.ConfigMaps[namespace+"/"+name].(map[string]any); ok {
			return &unstructured.Unstructured{Object: m}, nil
		}
	}
	objs, err := o.clusterObjects(gvr, namespace, name)
	if err != nil {
		return nil, err
	}
	if len(objs) > 0 {
		return &unstructured.Unstructured{Object: objs[0]}, nil
	}
	return nil, apierrors.NewNotFound(gvr.GroupResource(), name)
}

// ListResources lists the objects of a namespace: the ConfigMaps of
// Options.ConfigMaps, then those of Options.ClusterObjects (labels are not
// compared, as the Kyverno CLI does not compare them). A resource with none
// is an error, except ConfigMaps, as in the Kyverno CLI.
func (o offline) ListResources(apiVersion, resource, namespace string, _ map[string]string) (*unstructured.UnstructuredList, error) {
	gvr, err := o.gvr(apiVersion, resource)
	if err != nil {
		return nil, err
	}
	var out unstructured.UnstructuredList
	if gvr == configMapsGVR {
		keys := make([]string, 0, len(o.opts.ConfigMaps))
		for k := range o.opts.ConfigMaps {
			if strings.HasPrefix(k, namespace+"/") {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			if m, ok := o.opts.ConfigMaps[k].(map[string]any); ok {
				out.Items = append(out.Items, unstructured.Unstructured{Object: m})
			}
		}
	}
	objs, err := o.clusterObjects(gvr, namespace, "")
	if err != nil {
		return nil, err
	}
	for _, m := range objs {
		out.Items = append(out.Items, unstructured.Unstructured{Object: m})
	}
	if len(out.Items) == 0 && gvr != configMapsGVR {
		return nil, apierrors.NewBadRequest(fmt.Sprintf("%s resource not found", gvr.GroupResource()))
	}
	return &out, nil
}

var errNotOffline = errors.New("not available offline")

// PostResource creates nothing: there is no cluster.
func (offline) PostResource(string, string, string, map[string]any) (*unstructured.Unstructured, error) {
	return nil, errNotOffline
}

// ToGVR needs the cluster's discovery.
func (offline) ToGVR(string, string) (*schema.GroupVersionResource, error) {
	return nil, errNotOffline
}

// GetGlobalReference reads Options.GlobalContext; an entry it lacks is
// null, as in the Kyverno CLI.
func (o offline) GetGlobalReference(name, projection string) (any, error) {
	g, ok := o.opts.GlobalContext[name]
	if !ok {
		return nil, nil
	}
	return g.get(projection)
}

// Get answers from Options.APICallResponses, as the Kyverno CLI's HTTP
// mocks do: {"body": ..., "statusCode": ...}.
func (o offline) Get(url string, _ map[string]string) (any, error) { return o.answer("GET", url) }

// Post answers as Get does.
func (o offline) Post(url string, _ any, _ map[string]string) (any, error) {
	return o.answer("POST", url)
}

// Client is the same answers whatever the CA bundle.
func (o offline) Client(string) (sdkhttp.ContextInterface, error) { return o, nil }

func (o offline) answer(method, url string) (any, error) {
	for _, r := range o.opts.APICallResponses {
		if r.URL == url && (r.Method == "" || strings.EqualFold(r.Method, method)) {
			code := r.StatusCode
			if code == 0 {
				code = 200
			}
			return map[string]any{"body": r.Body, "statusCode": code}, nil
		}
	}
	return nil, fmt.Errorf("%s %s: no apiCallResponses entry answers it, and there is no network", method, url)
}

// GetImageData reads Options.ImageData; an image it lacks is an error, as
// in the Kyverno CLI.
func (o offline) GetImageData(image string, _ []remote.Option) (map[string]any, error) {
	if d, ok := o.opts.ImageData[image]; ok {
		return d, nil
	}
	return nil, fmt.Errorf("image data for %s not found in the context", image)
}

// clusterCallErrors refuses the Kyverno CEL policies that call a library
// reading the cluster or the network which Options.Offline does not answer
// (in a render without context files, every one): one error per policy,
// naming the expression and the call.
func clusterCallErrors(rules []*rule, opts Options) policy.Errors {
	var errs policy.Errors
	seen := map[*policy.Policy]bool{}
	for _, r := range rules {
		if r.cel == nil || seen[r.policy] {
			continue
		}
		for _, p := range r.cel.programs() {
			if call := unanswered(p.ClusterCalls(), opts.Offline); call != "" {
				seen[r.policy] = true
				errs = append(errs, &policy.Error{File: r.policy.File, Policy: r.policy.Name, Rule: r.src.Name,
					Err: &cel.Error{Path: p.Path, Expression: p.Expression, Detail: call, NeedsCluster: true, Hint: clusterHint(call)}})
				break
			}
		}
	}
	return errs
}

// unanswered is the first of calls l does not answer, or "".
func unanswered(calls []string, l OfflineLibraries) string {
	for _, c := range calls {
		if !l.answers(c) {
			return c
		}
	}
	return ""
}

// clusterHint says how a render gives a call a value: context files stand
// in for the cluster's objects and a registry's image data, as in kyverno
// apply; nothing stands in for a GlobalContextEntry or a service, as
// kyverno apply has nothing either.
func clusterHint(call string) string {
	switch call {
	case "resource":
		return "give the objects it reads with --context-file"
	case "image.GetMetadata":
		return "give the image data with --context-file (a Kyverno CLI Context's spec.images)"
	}
	return "a render has nothing to stand in for it (preadmit test answers it from the test's mocks); leave the policy out with --disable"
}

// programs are every compiled expression of the rule.
func (c *celRule) programs() []*cel.Program {
	var ps []*cel.Program
	for _, x := range c.conditions {
		ps = append(ps, x.Program)
	}
	for _, v := range c.variables {
		ps = append(ps, v.Program)
	}
	for _, v := range c.validations {
		ps = append(ps, v.expr)
		if v.msgExpr != nil {
			ps = append(ps, v.msgExpr)
		}
	}
	for _, a := range c.annotations {
		ps = append(ps, a.value)
	}
	if m, ok := c.rule.mutate.(*celMutating); ok {
		for _, s := range m.steps {
			ps = append(ps, s.program)
		}
	}
	return ps
}
