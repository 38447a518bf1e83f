package kyvernotest

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"

	sigsyaml "sigs.k8s.io/yaml"

	"github.com/preadmit/preadmit/transform/schema"
)

// DefaultFileName is the test file "kyverno test" looks for.
const DefaultFileName = "kyverno-test.yaml"

// FileError is a test file, or a file it names, that cannot be used:
// unreadable, not YAML, unknown fields, invalid values, a policy that does
// not load. The CLI exits 2 for it.
type FileError struct {
	// Test is the test file; File the file at fault (the test file itself
	// or one it names).
	Test, File string
	Err        error
}

func (e *FileError) Error() string {
	if e.File == "" || e.File == e.Test {
		return fmt.Sprintf("%s: %v", e.Test, e.Err)
	}
	return fmt.Sprintf("%s: %s: %v", e.Test, e.File, e.Err)
}

func (e *FileError) Unwrap() error { return e.Err }

// Discover returns the test files under paths, in lexical order: every
// file named fileName in the directory trees, and files given by name.
// Hidden directories (.git, ...) are not searched.
func Discover(paths []string, fileName string) ([]string, error) {
	if fileName == "" {
		fileName = DefaultFileName
	}
	var out []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			out = append(out, p)
		}
	}
	for _, root := range paths {
		info, err := os.Stat(root)
		if err != nil {
			return nil, &FileError{Test: root, Err: err}
		}
		if !info.IsDir() {
			add(root)
			continue
		}
		var found []string
		err = filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if d.IsDir() {
				if p != root && strings.HasPrefix(d.Name(), ".") {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Name() == fileName {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, &FileError{Test: root, Err: err}
		}
		sort.Strings(found)
		for _, p := range found {
			add(p)
		}
	}
	return out, nil
}

// LoadTest reads and checks a test file: one test per YAML document, as
// "kyverno test" reads them.
func LoadTest(path string) ([]*Test, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &FileError{Test: path, Err: err}
	}
	docs := splitDocs(b)
	if len(docs) == 0 {
		return nil, &FileError{Test: path, Err: errors.New("no YAML document")}
	}
	var out []*Test
	for i, d := range docs {
		var t Test
		err := decodeStrict(d, &t)
		if err == nil {
			err = t.check()
		}
		if err != nil {
			if len(docs) > 1 {
				err = fmt.Errorf("document %d: %w", i, err)
			}
			return nil, &FileError{Test: path, Err: err}
		}
		out = append(out, &t)
	}
	return out, nil
}

// check validates what decoding cannot: the kind, the names and results.
func (t *Test) check() error {
	switch {
	case t.APIVersion == "" && t.Kind == "":
		// the older un-typed form
	case t.APIVersion == "cli.kyverno.io/v1alpha1" && t.Kind == "Test":
	case t.APIVersion == "kyverno.io/v1" && t.Kind == "Test":
		// as Kyverno's own MutatingAdmissionPolicy tests write it; kyverno
		// test reads it alike
	default:
		return fmt.Errorf("apiVersion %q kind %q: expected cli.kyverno.io/v1alpha1 Test (or the un-typed form)", t.APIVersion, t.Kind)
	}
	if len(t.Policies) == 0 {
		return errors.New("policies: at least one policy file is required")
	}
	if len(t.Resources)+len(t.payloads())+len(t.EnvoyPayloads)+len(t.HTTPPayloads) == 0 && len(t.Results) > 0 {
		return errors.New("resources: at least one resource file (or jsonPayloads, envoyPayloads or httpPayloads file) is required")
	}
	for i := range t.Results {
		r := &t.Results[i]
		where := fmt.Sprintf("results[%d]", i)
		if r.Policy == "" {
			return fmt.Errorf("%s: policy is required", where)
		}
		switch r.expected() {
		case "pass", "fail", "skip", "warn", "error":
		case "":
			return fmt.Errorf("%s (policy %s, rule %s): result is required (pass, fail, skip, warn or error)", where, r.Policy, r.Rule)
		default:
			return fmt.Errorf("%s (policy %s, rule %s): result %q: expected pass, fail, skip, warn or error", where, r.Policy, r.Rule, r.expected())
		}
		switch r.Operation {
		case "", "CREATE", "UPDATE", "DELETE":
		default:
			return fmt.Errorf("%s (policy %s, rule %s): operation %q: expected CREATE, UPDATE or DELETE", where, r.Policy, r.Rule, r.Operation)
		}
	}
	return nil
}

// name is the test's name: metadata.name, the un-typed name, or the
// directory.
func (t *Test) name(path string) string {
	switch {
	case t.Metadata.Name != "":
		return t.Metadata.Name
	case t.Name != "":
		return t.Name
	}
	return filepath.Base(filepath.Dir(path))
}

// decodeFile decodes a single-document YAML file strictly: an unknown field
// is an error, so that a typo cannot make a test check less than it says.
func decodeFile(path string, out any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return decodeStrict(b, out)
}

func decodeStrict(b []byte, out any) error {
	docs := splitDocs(b)
	if len(docs) != 1 {
		return fmt.Errorf("want exactly one YAML document, found %d", len(docs))
	}
	j, err := sigsyaml.YAMLToJSON(docs[0])
	if err != nil {
		return fmt.Errorf("invalid YAML: %w", err)
	}
	if err := unknownFields(j, out); err != nil {
		return fmt.Errorf("invalid content: %w", err)
	}
	dec := json.NewDecoder(bytes.NewReader(j))
	dec.DisallowUnknownFields()
	if err := dec.Decode(out); err != nil {
		return fmt.Errorf("invalid content: %w", err)
	}
	return nil
}

// unknownFields names every field out's type has no place for, with the
// nearest name (schema.FieldErrors): the decoder's own error names only the
// first and suggests nothing.
func unknownFields(j []byte, out any) error {
	var doc any
	if err := json.Unmarshal(j, &doc); err != nil {
		return nil // the decoder reports it
	}
	if u := schema.UnknownFields(doc, reflect.TypeOf(out)); len(u) > 0 {
		return schema.FieldErrors(u)
	}
	return nil
}

// splitDocs splits a YAML stream on "---" lines and drops documents that
// hold only comments or white space.
func splitDocs(b []byte) [][]byte {
	var out [][]byte
	var cur []string
	flush := func() {
		doc := strings.Join(cur, "\n")
		cur = nil
		for _, l := range strings.Split(doc, "\n") {
			t := strings.TrimSpace(l)
			if t != "" && !strings.HasPrefix(t, "#") {
				out = append(out, []byte(doc))
				return
			}
		}
	}
	for _, l := range strings.Split(string(b), "\n") {
		if strings.TrimRight(l, " \t\r") == "---" || strings.HasPrefix(l, "--- ") {
			flush()
			continue
		}
		cur = append(cur, l)
	}
	flush()
	return out
}

// resolve makes a path named in a test file relative to the test's
// directory.
func resolve(dir, p string) string {
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(dir, p)
}
