package cel

import (
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/ext"
	plugincel "k8s.io/apiserver/pkg/admission/plugin/cel"
	apiservercel "k8s.io/apiserver/pkg/cel"
	"k8s.io/apiserver/pkg/cel/environment"
	"k8s.io/apiserver/pkg/cel/library"
)

// Names of the variables every admission expression may read.
const (
	ObjectVar          = "object"
	OldObjectVar       = "oldObject"
	RequestVar         = "request"
	NamespaceObjectVar = "namespaceObject"
	ParamsVar          = "params"
	VariablesVar       = "variables"
	AuthorizerVar      = "authorizer"
	// ExceptionsVar is Kyverno's own (KyvernoLibraries): what the
	// fine-grained PolicyExceptions that apply to the resource allow.
	ExceptionsVar = "exceptions"
)

var (
	baseOnce sync.Once
	baseEnv  *cel.Env
	baseErr  error
)

// Env is the environment expressions compile in, built once per process:
// the API server's base environment at this build's compatibility version,
// the admission bindings (object, oldObject and params dynamic, as for an
// object without a schema; request and namespaceObject typed)
// and the extensions Kyverno adds to it (cel.bind, base64, math).
func Env() (*cel.Env, error) {
	baseOnce.Do(func() { baseEnv, baseErr = newEnv() })
	return baseEnv, baseErr
}

// The types of request and namespaceObject, as the API server declares
// them for its admission policies (k8s.io/apiserver/pkg/admission/plugin/cel),
// and Kyverno for its own kinds, whose request has object and oldObject
// too (pkg/cel/compiler): a field either does not declare is a compile
// error, as in the cluster.
var (
	namespaceType      = plugincel.BuildNamespaceType()
	requestType        = plugincel.BuildRequestType()
	kyvernoRequestType = func() *apiservercel.DeclType {
		t := plugincel.BuildRequestType()
		t.Fields[ObjectVar] = apiservercel.NewDeclField(ObjectVar, apiservercel.DynType, false, nil, nil)
		t.Fields[OldObjectVar] = apiservercel.NewDeclField(OldObjectVar, apiservercel.DynType, false, nil, nil)
		return t
	}()
)

func newEnv() (*cel.Env, error) { return newEnvWith(requestType, nil) }

// newEnvWith is the API server's base environment with the admission
// bindings (request of type request) and opts. The types of request and
// namespaceObject come last, in an Extend of their own: their provider
// wraps the environment's as it was before the Extend and replaces the
// providers set within it, so it comes after those in opts (a mutation's
// Object{…} resolver, Kyverno's native types), and opts that register types
// (cel.Types) need the registry it replaces.
func newEnvWith(request *apiservercel.DeclType, opts []cel.EnvOption) (*cel.Env, error) {
	set := environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion())
	set, err := set.Extend(environment.VersionedOptions{
		IntroducedVersion: environment.DefaultCompatibilityVersion(),
		EnvOptions:        append(envOptions(request), opts...),
	})
	if err != nil {
		return nil, err
	}
	set, err = set.Extend(environment.VersionedOptions{
		IntroducedVersion: environment.DefaultCompatibilityVersion(),
		DeclTypes:         []*apiservercel.DeclType{namespaceType, request},
	})
	if err != nil {
		return nil, err
	}
	return set.Env(environment.StoredExpressions)
}

// envOptions declare the admission bindings, request of type request.
func envOptions(request *apiservercel.DeclType) []cel.EnvOption {
	opts := []cel.EnvOption{
		ext.Bindings(),
		ext.Encoders(),
		ext.Math(),
		library.JSONPatch(),
		cel.Variable(ObjectVar, cel.DynType),
		cel.Variable(OldObjectVar, cel.DynType),
		cel.Variable(RequestVar, request.CelType()),
		cel.Variable(NamespaceObjectVar, namespaceType.CelType()),
		cel.Variable(ParamsVar, cel.DynType),
		cel.Variable(VariablesVar, cel.MapType(cel.StringType, cel.DynType)),
	}
	return append(opts, orValueCompat()...)
}

// Types for CompileAs.
var (
	BoolType   = cel.BoolType
	StringType = cel.StringType
)
