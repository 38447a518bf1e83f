// Command gencrdschema writes transform/schema/crds, the compact form of the
// OpenAPI schemas of Kyverno's CRDs, from the Kyverno module's source, which
// it fetches through the Go module proxy (go generate ./transform/schema; a
// test fails when the files are stale).
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"github.com/preadmit/preadmit/internal/crdschema"
)

func main() {
	dir := "transform/schema/crds"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := write(dir); err != nil {
		fmt.Fprintln(os.Stderr, "gencrdschema:", err)
		os.Exit(1)
	}
}

// write replaces the JSON files of dir with the generated ones.
func write(dir string) error {
	src, err := crdschema.ModuleDir()
	if err != nil {
		return err
	}
	files, err := crdschema.Generate(src)
	if err != nil {
		return err
	}
	old, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return err
	}
	for _, p := range old {
		if err := os.Remove(p); err != nil {
			return err
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, b := range files {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
