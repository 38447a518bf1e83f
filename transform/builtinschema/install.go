package builtinschema

import (
	"sync"

	"k8s.io/kube-openapi/pkg/validation/spec"
	"sigs.k8s.io/kustomize/kyaml/openapi"
)

var once sync.Once

// Install gives kyaml's global schema the generated definitions, once per
// process, in place of its bundle. Call it before the schema is first used
// (the engine does, when it compiles a strategic merge patch): kyaml's
// global schema is not guarded against a concurrent first use. A process
// that does not call it has kyaml decode its bundle, with the same result.
func Install() { once.Do(install) }

func install() {
	openapi.SuppressBuiltInSchemaUse()
	openapi.AddDefinitions(definitions())
}

// definitions builds the definitions, half of them on another goroutine:
// it is most of what a strategic merge costs a short-lived process.
func definitions() spec.Definitions {
	built := make([]spec.Schema, len(schemas))
	half := len(schemas) / 2
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range half {
			built[i] = schemas[i]()
		}
	})
	for i := half; i < len(schemas); i++ {
		built[i] = schemas[i]()
	}
	wg.Wait()
	defs := make(spec.Definitions, len(names))
	for i, n := range names {
		defs[n] = built[i]
	}
	return defs
}
