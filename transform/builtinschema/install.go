package builtinschema

import (
	"sync"

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
