package policies

import (
	"embed"

	"github.com/preadmit/preadmit/transform/policy"
)

// FS holds the built-in policy library: every file under the group
// directories (best-practices/, mutate/, registry/, pod-security/, ...),
// including each policy's kyverno-test.yaml, resources.yaml and patched-*.yaml.
// The loader keeps only kyverno.io ClusterPolicy and Policy documents, so the
// test fixtures ride along without being applied.
//
//go:embed */*
var FS embed.FS

// preparsed is the library's documents as policy.Preparse encodes them,
// written by go generate (TestLibraryUpToDate fails when it is stale).
//
//go:generate go run ../hack/genlibrary -dir .
//go:embed library.bin
var preparsed string

// Library returns the built-in library as policy.LoadFS reads it from FS,
// without parsing its YAML: the documents were parsed at build time. Each
// call returns a Set of its own. With keep, only the policies it keeps are
// decoded (see policy.Keep); nil keeps all.
func Library(keep policy.Keep) (*policy.Set, error) {
	return policy.LoadPreparsed(preparsed, keep)
}
