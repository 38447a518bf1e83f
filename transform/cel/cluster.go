package cel

import (
	"errors"

	"github.com/google/cel-go/cel"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/kyverno/sdk/extensions/cel/libs/globalcontext"
	"github.com/kyverno/sdk/extensions/cel/libs/http"
	"github.com/kyverno/sdk/extensions/cel/libs/imagedata"
	"github.com/kyverno/sdk/extensions/cel/libs/resource"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// Cluster stands in for what Kyverno's libraries that read the cluster or
// the network return, as the Kyverno CLI answers them offline from a
// test's files (its context file's resources, globalContextEntries and
// apiCallResponses, its context file's images). A nil field answers every
// call with an error.
type Cluster struct {
	Resources     resource.ContextInterface
	GlobalContext globalcontext.ContextInterface
	HTTP          http.ContextInterface
	Images        imagedata.ContextInterface
}

// clusterLibraryOptions declare resource (cluster-scoped: a namespaced
// policy's resource library has other overloads), globalContext, http and
// image data (image.GetMetadata),
// answered by Bindings from Input.Cluster, and with no value otherwise.
func clusterLibraryOptions() []cel.EnvOption {
	return []cel.EnvOption{
		resource.Lib(resource.Context{ContextInterface: noCluster{}}, "", resource.Latest()),
		globalcontext.Lib(globalcontext.Context{ContextInterface: noCluster{}}, globalcontext.Latest()),
		http.Lib(http.Context{ContextInterface: noCluster{}}, http.Latest()),
		imagedata.Lib(imagedata.Context{ContextInterface: noCluster{}}, imagedata.Latest(), nil),
	}
}

// resolveCluster is the value of a cluster library's variable, or false
// when the bindings have none (the environment's default answers).
func (b *Bindings) resolveCluster(name string) (any, bool) {
	c := b.cluster
	if c == nil {
		return nil, false
	}
	switch {
	case name == "resource" && c.Resources != nil:
		return resource.Context{ContextInterface: c.Resources}, true
	case name == "globalContext" && c.GlobalContext != nil:
		return globalcontext.Context{ContextInterface: c.GlobalContext}, true
	case name == "http" && c.HTTP != nil:
		return http.Context{ContextInterface: c.HTTP}, true
	case name == "image" && c.Images != nil:
		return imagedata.Context{ContextInterface: c.Images}, true
	}
	return nil, false
}

var errNoCluster = errors.New("no value: nothing stands in for the cluster or the network here")

// noCluster answers every call of the cluster libraries with errNoCluster.
type noCluster struct{}

func (noCluster) ListResources(string, string, string, map[string]string) (*unstructured.UnstructuredList, error) {
	return nil, errNoCluster
}

func (noCluster) GetResource(string, string, string, string) (*unstructured.Unstructured, error) {
	return nil, errNoCluster
}

func (noCluster) PostResource(string, string, string, map[string]any) (*unstructured.Unstructured, error) {
	return nil, errNoCluster
}

func (noCluster) ToGVR(string, string) (*schema.GroupVersionResource, error) {
	return nil, errNoCluster
}

func (noCluster) GetGlobalReference(string, string) (any, error) { return nil, errNoCluster }

func (noCluster) Get(string, map[string]string) (any, error) { return nil, errNoCluster }

func (noCluster) Post(string, any, map[string]string) (any, error) { return nil, errNoCluster }

func (noCluster) Client(string) (http.ContextInterface, error) { return noCluster{}, nil }

func (noCluster) GetImageData(string, []remote.Option) (map[string]any, error) {
	return nil, errNoCluster
}
