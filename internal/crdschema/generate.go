package crdschema

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"

	apiextensionsv1 "k8s.io/apiextensions-apiserver/pkg/apis/apiextensions/v1"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/preadmit/preadmit/transform/schema"
)

// Module and Version name the Kyverno release whose CRDs the embedded
// schemas come from: the release preadmit follows (hack/tools.mk's
// KYVERNO_VERSION).
const (
	Module  = "github.com/kyverno/kyverno"
	Version = "v1.19.0"
)

// Dirs are the directories of the module's config/crds that hold the CRDs
// of the kinds a policy source may hold.
var Dirs = []string{"config/crds/kyverno", "config/crds/policies.kyverno.io"}

// Generate reads every CRD of Dirs under the module's source directory and
// returns the files of the compact form transform/schema embeds, by name:
// the OpenAPI v3 schema of every served version, without what validation
// does not read (descriptions, examples, CEL rules), each distinct schema in
// a file of its own (named for the first kind and version that uses it) and
// an index of kinds (schema.IndexFile).
func Generate(moduleDir string) (map[string][]byte, error) {
	var crds []string
	for _, d := range Dirs {
		m, err := filepath.Glob(filepath.Join(moduleDir, d, "*.yaml"))
		if err != nil {
			return nil, err
		}
		if len(m) == 0 {
			return nil, fmt.Errorf("no CRDs in %s", filepath.Join(moduleDir, d))
		}
		crds = append(crds, m...)
	}
	sort.Strings(crds)
	out := schema.Index{Source: Module + "@" + Version, Kinds: map[string]schema.Entry{}}
	files := map[string][]byte{}
	byContent := map[string]string{} // schema JSON -> its file
	for _, f := range crds {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, err
		}
		var crd apiextensionsv1.CustomResourceDefinition
		if err := sigsyaml.UnmarshalStrict(b, &crd); err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for _, v := range crd.Spec.Versions {
			if !v.Served || v.Schema == nil || v.Schema.OpenAPIV3Schema == nil {
				continue
			}
			s := v.Schema.OpenAPIV3Schema.DeepCopy()
			compact(s)
			js, err := json.Marshal(s)
			if err != nil {
				return nil, err
			}
			key := crd.Spec.Group + "/" + v.Name + "/" + crd.Spec.Names.Kind
			name, ok := byContent[string(js)]
			if !ok {
				name = strings.ReplaceAll(key, "/", "_") + ".json"
				byContent[string(js)] = name
				files[name] = append(js, '\n')
			}
			out.Kinds[key] = schema.Entry{File: name, Namespaced: crd.Spec.Scope == apiextensionsv1.NamespaceScoped}
		}
	}
	idx, err := json.MarshalIndent(out, "", "  ")
	if err != nil {
		return nil, err
	}
	files[schema.IndexFile] = append(idx, '\n')
	return files, nil
}

// compact drops what validation does not read. Defaults go too: a field
// the API server would default is not required here (see dropDefaulted).
func compact(s *apiextensionsv1.JSONSchemaProps) {
	if s == nil {
		return
	}
	dropDefaulted(s)
	s.Description = ""
	s.Example = nil
	s.Default = nil
	s.ExternalDocs = nil
	s.XValidations = nil
	s.Title = ""
	for k, p := range s.Properties {
		compact(&p)
		s.Properties[k] = p
	}
	if s.Items != nil {
		compact(s.Items.Schema)
		for i := range s.Items.JSONSchemas {
			compact(&s.Items.JSONSchemas[i])
		}
	}
	if s.AdditionalProperties != nil {
		compact(s.AdditionalProperties.Schema)
	}
	for _, list := range [][]apiextensionsv1.JSONSchemaProps{s.AllOf, s.AnyOf, s.OneOf} {
		for i := range list {
			compact(&list[i])
		}
	}
	compact(s.Not)
}

// dropDefaulted removes from Required the properties that have a default:
// the API server fills them in before it validates, so a document that
// leaves them out is valid.
func dropDefaulted(s *apiextensionsv1.JSONSchemaProps) {
	req := s.Required[:0]
	for _, r := range s.Required {
		if p, ok := s.Properties[r]; ok && p.Default != nil {
			continue
		}
		req = append(req, r)
	}
	s.Required = req
	if len(s.Required) == 0 {
		s.Required = nil
	}
}

// ModuleDir downloads the Kyverno module through the Go module proxy (or
// finds it in the module cache) and returns its source directory.
func ModuleDir() (string, error) {
	b, err := exec.Command("go", "mod", "download", "-json", Module+"@"+Version).Output()
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %w", Module, Version, err)
	}
	var m struct{ Dir, Error string }
	if err := json.Unmarshal(b, &m); err != nil {
		return "", err
	}
	if m.Error != "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", Module, Version, m.Error)
	}
	return m.Dir, nil
}
