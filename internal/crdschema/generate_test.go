package crdschema_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/preadmit/preadmit/internal/crdschema"
)

const embedded = "../../transform/schema/crds"

// TestEmbeddedUpToDate fails when transform/schema/crds is not what
// "go generate ./transform/schema" writes from Kyverno's CRDs today.
func TestEmbeddedUpToDate(t *testing.T) {
	dir, err := crdschema.ModuleDir()
	if err != nil {
		t.Skipf("Kyverno's module source is not available (no module proxy or cache): %v", err)
	}
	files, err := crdschema.Generate(dir)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(embedded, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is stale or missing: run go generate ./transform/schema", name)
		}
	}
	onDisk, _ := filepath.Glob(filepath.Join(embedded, "*.json"))
	for _, p := range onDisk {
		if _, ok := files[filepath.Base(p)]; !ok {
			t.Errorf("%s is no longer generated: run go generate ./transform/schema", p)
		}
	}
}
