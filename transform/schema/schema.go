package schema

import (
	"embed"
	"encoding/json"
	"fmt"
	"sync"

	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/kube-openapi/pkg/validation/strfmt"
	"k8s.io/kube-openapi/pkg/validation/validate"
)

// IndexFile is the file of the embedded schemas that says which kind and
// version uses which schema file.
const IndexFile = "index.json"

// Index is the form of IndexFile.
type Index struct {
	// Source is the module and version the CRDs were read from.
	Source string `json:"source"`
	// Kinds maps "group/version/Kind" to its entry.
	Kinds map[string]Entry `json:"kinds"`
}

// Entry is one served version of a kind: the file of its OpenAPI v3
// schema (an apiextensions/v1 JSONSchemaProps, in the fields props holds)
// and its scope.
type Entry struct {
	File       string `json:"file"`
	Namespaced bool   `json:"namespaced,omitempty"`
}

// crds holds the schemas, generated from Kyverno's CRDs.
//
//go:embed crds/*.json
var crds embed.FS

// index is the decoded IndexFile; a schema is decoded on first use, so a
// render that checks no document pays nothing for the others.
var index = sync.OnceValues(func() (*Index, error) {
	b, err := crds.ReadFile("crds/" + IndexFile)
	if err != nil {
		return nil, fmt.Errorf("embedded schemas: %w", err)
	}
	var f Index
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("embedded schemas: %w", err)
	}
	return &f, nil
})

// compiled is a schema ready to check documents with; immutable.
type compiled struct {
	structural *structuralschema.Structural
	validator  *validate.SchemaValidator
}

var (
	compiledMu sync.Mutex
	compiledBy = map[string]func() (*compiled, error){}
)

// schemaFor returns the compiled schema of a kind and version, or nil when
// Kyverno's CRDs do not serve it.
func schemaFor(apiVersion, kind string) (*compiled, error) {
	f, err := index()
	if err != nil {
		return nil, err
	}
	e, ok := f.Kinds[apiVersion+"/"+kind]
	if !ok {
		return nil, nil
	}
	compiledMu.Lock()
	get, ok := compiledBy[e.File]
	if !ok {
		get = sync.OnceValues(func() (*compiled, error) {
			raw, err := crds.ReadFile("crds/" + e.File)
			if err != nil {
				return nil, fmt.Errorf("embedded schemas: %w", err)
			}
			return compile(raw)
		})
		compiledBy[e.File] = get
	}
	compiledMu.Unlock()
	return get()
}

// compile turns a CRD version's schema into the structural schema the API
// server prunes with and the OpenAPI validator it validates with.
func compile(raw []byte) (*compiled, error) {
	p, err := decodeProps(raw)
	if err != nil {
		return nil, fmt.Errorf("embedded schema: %w", err)
	}
	s, err := p.structural()
	if err != nil {
		return nil, fmt.Errorf("embedded schema: %w", err)
	}
	return &compiled{
		structural: s,
		validator:  validate.NewSchemaValidator(s.ToKubeOpenAPI(), nil, "", strfmt.Default),
	}, nil
}

// Prepare decodes the schema of a kind and version ahead of the first
// Validate, so that a caller with other work to do first (loading the
// embedded library) can have it ready on another core: for the
// ClusterPolicy schema that is most of the check's cost. It is safe to
// call concurrently with Validate, which waits for it.
func Prepare(apiVersion, kind string) {
	_, _ = schemaFor(apiVersion, kind)
}
