package cel

import (
	"reflect"
	"sync"

	"github.com/google/cel-go/cel"
	celast "github.com/google/cel-go/common/ast"
	"github.com/google/cel-go/common/types"
	"github.com/google/cel-go/common/types/ref"
	"github.com/google/cel-go/ext"
	"github.com/kyverno/sdk/extensions/cel/libs/gzip"
	"github.com/kyverno/sdk/extensions/cel/libs/hash"
	"github.com/kyverno/sdk/extensions/cel/libs/image"
	"github.com/kyverno/sdk/extensions/cel/libs/json"
	"github.com/kyverno/sdk/extensions/cel/libs/math"
	"github.com/kyverno/sdk/extensions/cel/libs/random"
	kytime "github.com/kyverno/sdk/extensions/cel/libs/time"
	"github.com/kyverno/sdk/extensions/cel/libs/transform"
	"github.com/kyverno/sdk/extensions/cel/libs/user"
	"github.com/kyverno/sdk/extensions/cel/libs/x509"
	"github.com/kyverno/sdk/extensions/cel/libs/yaml"

	"github.com/preadmit/preadmit/transform/cel/libs"
)

// Libraries is the set of CEL libraries an expression compiles with,
// which depends on who evaluates the policy in the cluster.
type Libraries uint8

const (
	// APIServerLibraries are the API server's: for the policies it
	// evaluates itself (ValidatingAdmissionPolicy,
	// MutatingAdmissionPolicy) and for validate.cel, which Kyverno
	// evaluates with the same environment.
	APIServerLibraries Libraries = iota
	// KyvernoLibraries add, for the policies.kyverno.io kinds
	// (ValidatingPolicy, MutatingPolicy, their namespaced forms and their
	// PolicyExceptions), Kyverno's libraries that need neither the
	// cluster nor the network, from Kyverno's own module
	// (github.com/kyverno/sdk), as Kyverno v1.19 builds them: json, yaml,
	// x509, hash, math, random, time, transform, user, image references,
	// gzip, and cel-go's regex and protos extensions.
	KyvernoLibraries
	// KyvernoClusterLibraries add to KyvernoLibraries those that read the
	// cluster or the network (resource, globalContext, http), answered
	// from Input.Cluster: for "preadmit test", whose files stand in for
	// the cluster as they do for the Kyverno CLI. The cluster-scoped kinds
	// only: a namespaced policy's resource library is another one.
	KyvernoClusterLibraries
)

// nowVar is what time.now() reads: a macro rewrites the call to this
// variable, so that an evaluation reads the render's clock (Input.Now)
// and not the wall clock, in an environment compiled once per process.
const nowVar = "__preadmit_time_now__"

var kyvernoEnvs = [...]func() (*cel.Env, error){
	KyvernoLibraries:        sync.OnceValues(func() (*cel.Env, error) { return newKyvernoEnv(KyvernoLibraries) }),
	KyvernoClusterLibraries: sync.OnceValues(func() (*cel.Env, error) { return newKyvernoEnv(KyvernoClusterLibraries) }),
}

// Env is the environment of the libraries, built once per process.
func (l Libraries) Env() (*cel.Env, error) {
	if l == APIServerLibraries {
		return Env()
	}
	return kyvernoEnvs[l]()
}

// EnvWith is a new environment of the libraries extended with opts, which
// come before Kyverno's libraries: a type provider (the mutation's
// Object{…} resolver) must be set before the native types those libraries
// register. Callers keep the result; it is not cached.
func (l Libraries) EnvWith(opts ...cel.EnvOption) (*cel.Env, error) {
	if l != APIServerLibraries {
		return newKyvernoEnv(l, opts...)
	}
	return newEnvWith(requestType, opts)
}

func newKyvernoEnv(l Libraries, extra ...cel.EnvOption) (*cel.Env, error) {
	opts := kyvernoOptions()
	if l == KyvernoClusterLibraries {
		opts = append(opts, clusterLibraryOptions()...)
	}
	env, err := newEnvWith(kyvernoRequestType, append(extra, opts...))
	if err != nil {
		return nil, err
	}
	// After the libraries: it replaces one of their bindings.
	return env.Extend(boundedGzip())
}

// kyvernoOptions are the libraries Kyverno v1.19's ValidatingPolicy and
// MutatingPolicy compilers add to the API server's environment
// (pkg/cel/compiler DefaultEnvOptions and pkg/cel/policies/*/compiler), and
// its exceptions variable,
// less those that read the cluster, a registry or the network (resource,
// globalContext, imagedata, http), which stay undeclared: a call to them
// does not compile, and the error says why (needsCluster).
func kyvernoOptions() []cel.EnvOption {
	// Declared before the libraries: those that extend the environment
	// as they are applied lose what is declared after them.
	return []cel.EnvOption{
		ext.NativeTypes(reflect.TypeFor[libs.Exception](), ext.ParseStructTags(true)),
		cel.Variable(ExceptionsVar, types.NewObjectType("libs.Exception")),
		cel.Variable(nowVar, cel.TimestampType),
		cel.Macros(cel.ReceiverMacro("now", 0, timeNow)),
		ext.Protos(),
		ext.Regex(ext.RegexVersion(1)),
		image.Lib(image.Latest()),
		user.Lib(user.Latest()),
		hash.Lib(hash.Latest()),
		math.Lib(math.Latest()),
		json.Lib(&json.JsonImpl{}, json.Latest()),
		yaml.Lib(&yaml.YamlImpl{}, yaml.Latest()),
		random.Lib(random.Latest()),
		x509.Lib(x509.Latest()),
		kytime.Lib(kytime.Latest()),
		transform.Lib(transform.Latest()),
		gzip.Lib(gzip.Latest()),
	}
}

// timeNow rewrites time.now() to a read of nowVar; other x.now() calls
// are left alone.
func timeNow(eh cel.MacroExprFactory, target celast.Expr, _ []celast.Expr) (celast.Expr, *cel.Error) {
	if target.Kind() == celast.IdentKind && target.AsIdent() == "time" {
		return eh.NewIdent(nowVar), nil
	}
	return nil, nil
}

// exceptionsAdapter makes the exceptions variable's value: the adapter of
// an environment that knows libs.Exception.
var exceptionsAdapter = sync.OnceValues(func() (types.Adapter, error) {
	env, err := KyvernoLibraries.Env()
	if err != nil {
		return nil, err
	}
	return env.CELTypeAdapter(), nil
})

// noExceptions is the exceptions variable when no fine-grained
// PolicyException applies: empty lists, as Kyverno binds it.
var noExceptions = sync.OnceValue(func() ref.Val { return exceptionsValue(&libs.Exception{}) })

// exceptionsValue is the exceptions variable for x.
func exceptionsValue(x *libs.Exception) ref.Val {
	a, err := exceptionsAdapter()
	if err != nil {
		return types.WrapErr(err)
	}
	v := *x
	if v.AllowedImages == nil {
		v.AllowedImages = []string{}
	}
	if v.AllowedValues == nil {
		v.AllowedValues = []string{}
	}
	return a.NativeToValue(v)
}
