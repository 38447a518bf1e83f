package cel

import (
	"sync"

	"github.com/google/cel-go/cel"
	"github.com/google/cel-go/ext"
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
// the admission bindings (all dynamic, as for an object without a schema)
// and the extensions Kyverno adds to it (cel.bind, base64, math).
func Env() (*cel.Env, error) {
	baseOnce.Do(func() { baseEnv, baseErr = newEnv() })
	return baseEnv, baseErr
}

func newEnv() (*cel.Env, error) {
	set := environment.MustBaseEnvSet(environment.DefaultCompatibilityVersion())
	set, err := set.Extend(environment.VersionedOptions{
		IntroducedVersion: environment.DefaultCompatibilityVersion(),
		EnvOptions:        envOptions(),
	})
	if err != nil {
		return nil, err
	}
	return set.Env(environment.StoredExpressions)
}

func envOptions() []cel.EnvOption {
	opts := []cel.EnvOption{
		ext.Bindings(),
		ext.Encoders(),
		ext.Math(),
		library.JSONPatch(),
		cel.Variable(ObjectVar, cel.DynType),
		cel.Variable(OldObjectVar, cel.DynType),
		cel.Variable(RequestVar, cel.DynType),
		cel.Variable(NamespaceObjectVar, cel.DynType),
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
