package apply

import (
	"sync"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv1 "k8s.io/api/autoscaling/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	batchv1 "k8s.io/api/batch/v1"
	certificatesv1 "k8s.io/api/certificates/v1"
	coordinationv1 "k8s.io/api/coordination/v1"
	corev1 "k8s.io/api/core/v1"
	discoveryv1 "k8s.io/api/discovery/v1"
	eventsv1 "k8s.io/api/events/v1"
	flowcontrolv1 "k8s.io/api/flowcontrol/v1"
	networkingv1 "k8s.io/api/networking/v1"
	nodev1 "k8s.io/api/node/v1"
	policyv1 "k8s.io/api/policy/v1"
	rbacv1 "k8s.io/api/rbac/v1"
	schedulingv1 "k8s.io/api/scheduling/v1"
	storagev1 "k8s.io/api/storage/v1"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"sigs.k8s.io/structured-merge-diff/v6/typed"

	_ "embed" // the built-in types' schema
)

// builtinSchema is client-go's structured-merge-diff schema of the
// built-in types (see hack/genbuiltinschema; TestBuiltinSchemaCurrent holds
// it to the client-go of go.mod).
//
//go:generate go run ../../../hack/genbuiltinschema -o builtinschema.yaml
//go:embed builtinschema.yaml
var builtinSchema string

// builtins is the type converter of the built-in Kubernetes types: the
// structured-merge-diff schemas client-go generates from the API server's
// OpenAPI (builtinSchema) (list types, merge keys, atomic and granular maps), looked up by
// kind through a scheme of k8s.io/api. Built on first use.
var builtins = sync.OnceValue(func() managedfields.TypeConverter {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		admissionregistrationv1.AddToScheme, appsv1.AddToScheme, autoscalingv1.AddToScheme,
		autoscalingv2.AddToScheme, batchv1.AddToScheme, certificatesv1.AddToScheme,
		coordinationv1.AddToScheme, corev1.AddToScheme, discoveryv1.AddToScheme,
		eventsv1.AddToScheme, flowcontrolv1.AddToScheme, networkingv1.AddToScheme,
		nodev1.AddToScheme, policyv1.AddToScheme, rbacv1.AddToScheme,
		schedulingv1.AddToScheme, storagev1.AddToScheme,
	} {
		if err := add(s); err != nil {
			panic(err) // only a programming error: the types are static
		}
	}
	parser, err := typed.NewParser(typed.YAMLObject(builtinSchema))
	if err != nil {
		panic(err) // only a programming error: the schema is generated
	}
	return managedfields.NewSchemeTypeConverter(s, parser)
})

// typeConverter returns the converter for a kind: the built-in schema, or
// for any other kind (a custom resource) the deduced one, under which maps
// merge key by key and lists are replaced whole, as the API server treats
// a custom resource whose schema it does not know. The choice depends on
// the kind alone and is remembered (converters, shared by every render).
func typeConverter(gvk schema.GroupVersionKind) managedfields.TypeConverter {
	if tc, ok := converters.Load(gvk); ok {
		return tc.(managedfields.TypeConverter)
	}
	tc := builtins()
	stub := &unstructured.Unstructured{}
	stub.SetGroupVersionKind(gvk)
	if _, err := tc.ObjectToTyped(stub); err != nil {
		tc = deduced()
	}
	converters.Store(gvk, tc)
	return tc
}

var (
	// converters maps a schema.GroupVersionKind to its converter.
	converters sync.Map
	// deduced is the converter of kinds without a schema; it holds no
	// state of its own.
	deduced = sync.OnceValue(managedfields.NewDeducedTypeConverter)
)
