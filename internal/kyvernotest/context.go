package kyvernotest

import (
	"encoding/json"

	"github.com/preadmit/preadmit/transform/values"
)

// contextValues reads a test's context file as a render reads
// --context-file (values.Context): its ConfigMaps (in "default" when they
// name no namespace), its other objects and its image data. The file is
// read as a Context whatever kind it names, as kyverno test reads it.
func contextValues(cf *ContextFile, file string) (values.Context, error) {
	var c values.Context
	if cf == nil {
		return c, nil
	}
	typed := *cf
	typed.APIVersion, typed.Kind = "cli.kyverno.io/v1alpha1", "Context"
	b, err := json.Marshal(typed)
	if err != nil {
		return c, err
	}
	err = c.Read(b, file, "default")
	return c, err
}
