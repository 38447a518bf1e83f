// Command genbuiltinschema writes the structured-merge-diff schema of the
// built-in Kubernetes types that client-go generates (the schemaYAML of
// k8s.io/client-go/applyconfigurations/internal, an internal package no
// other module may import) to a file, for transform/mutate/apply to embed.
// Importing k8s.io/client-go/applyconfigurations instead would link the
// clientset's scheme into preadmit.
//
//	go run ./hack/genbuiltinschema -o transform/mutate/apply/builtinschema.yaml
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

func main() {
	out := flag.String("o", "builtinschema.yaml", "the file to write")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "genbuiltinschema:", err)
		os.Exit(1)
	}
}

func run(out string) error {
	schema, err := Extract()
	if err != nil {
		return err
	}
	return os.WriteFile(out, schema, 0o644)
}

// Extract reads the schema from the client-go module the build uses.
func Extract() ([]byte, error) {
	dir, err := exec.Command("go", "list", "-m", "-f", "{{.Dir}}", "k8s.io/client-go").Output()
	if err != nil {
		return nil, fmt.Errorf("locating k8s.io/client-go: %w", err)
	}
	src, err := os.ReadFile(filepath.Join(strings.TrimSpace(string(dir)), "applyconfigurations", "internal", "internal.go"))
	if err != nil {
		return nil, err
	}
	const start = "var schemaYAML = typed.YAMLObject(`"
	i := bytes.Index(src, []byte(start))
	if i < 0 {
		return nil, errors.New("schemaYAML not found in client-go's applyconfigurations/internal")
	}
	rest := src[i+len(start):]
	j := bytes.IndexByte(rest, '`')
	if j < 0 {
		return nil, errors.New("schemaYAML has no end")
	}
	return rest[:j], nil
}
