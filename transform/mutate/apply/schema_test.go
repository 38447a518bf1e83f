package apply

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestBuiltinSchemaCurrent: the embedded schema of the built-in types is
// client-go's, for the client-go version go.mod names (go generate
// rewrites it).
func TestBuiltinSchemaCurrent(t *testing.T) {
	out := filepath.Join(t.TempDir(), "schema.yaml")
	cmd := exec.Command("go", "run", "../../../hack/genbuiltinschema", "-o", out)
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("genbuiltinschema: %v\n%s", err, b)
	}
	want, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if string(want) != builtinSchema {
		t.Error("builtinschema.yaml is stale: run go generate ./transform/mutate/apply")
	}
}
