// Command genpolicychart writes the generated templates and values of
// charts/preadmit-policies from the embedded policy library (make generate),
// and removes generated templates whose policy is gone.
package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"

	"github.com/preadmit/preadmit/internal/policychart"
	"github.com/preadmit/preadmit/policies"
)

func main() {
	dir := "charts/preadmit-policies"
	if len(os.Args) > 1 {
		dir = os.Args[1]
	}
	if err := write(dir); err != nil {
		fmt.Fprintln(os.Stderr, "genpolicychart:", err)
		os.Exit(1)
	}
}

func write(dir string) error {
	files, err := policychart.Generate(policies.FS)
	if err != nil {
		return err
	}
	stale, err := filepath.Glob(filepath.Join(dir, "templates", "*.yaml"))
	if err != nil {
		return err
	}
	for _, p := range stale {
		rel, _ := filepath.Rel(dir, p)
		if _, ok := files[filepath.ToSlash(rel)]; ok {
			continue
		}
		if b, err := os.ReadFile(p); err == nil && bytes.HasPrefix(b, []byte(policychart.Header)) {
			if err := os.Remove(p); err != nil {
				return err
			}
		}
	}
	for name, b := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(p, b, 0o644); err != nil {
			return err
		}
	}
	return nil
}
