package policy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/match"
	"github.com/preadmit/preadmit/transform/stream"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// Set is what a set of policy sources holds.
type Set struct {
	Policies []*Policy
	// Others are Kyverno documents that are not policies, such as
	// PolicyExceptions, for the packages that read them, and the policies
	// of other kinds (see Document.Kind).
	Others []*Document
	// NotApplied are the policies read but not applied, because they have
	// no render-time meaning; a command names them in its report.
	NotApplied []NotApplied
	// Left are the names of the policies LoadPreparsed did not decode,
	// because its Keep left them out.
	Left []string

	// trusted skips the schema check: the embedded library is checked by
	// its tests, not at every start.
	trusted bool
}

// NotApplied is a policy document that is read but not applied, and why.
type NotApplied struct {
	File, Kind, Name, Reason string
}

// String is the note a report prints.
func (n NotApplied) String() string {
	return fmt.Sprintf("note: %s %s (%s) is not applied: %s", n.Kind, n.Name, n.File, n.Reason)
}

// Document is a non-policy document found among policies.
type Document struct {
	File string
	Node *yaml.RNode
}

// LoadPaths reads policies from files and directories (recursively, *.yaml
// and *.yml). A file given by name that holds no Kyverno document is an
// error; files found in directories that hold none (test resources, say) are
// skipped.
func LoadPaths(paths []string) (*Set, error) {
	set := &Set{}
	var errs Errors
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, &Error{File: p, Err: err})
			continue
		}
		if !info.IsDir() {
			b, err := os.ReadFile(p)
			if err != nil {
				errs = append(errs, &Error{File: p, Err: err})
				continue
			}
			n := len(set.Policies) + len(set.Others)
			errs = append(errs, set.add(p, b)...)
			if len(set.Policies)+len(set.Others) == n && len(errs) == 0 {
				errs = append(errs, &Error{File: p, Err: errors.New("no Kyverno ClusterPolicy or Policy in file")})
			}
			continue
		}
		errs = append(errs, set.addFS(os.DirFS(p), ".", p)...)
	}
	return set, finish(set, errs)
}

// LoadFS reads every policy under root in fsys, as for a directory. prefix
// names the source in messages (e.g. "embedded"). It is for the embedded
// library: its documents are not checked against Kyverno's CRD schemas,
// which the library's tests do (policy.CheckSchema), so that a render does
// not pay for it at every start.
func LoadFS(fsys fs.FS, root, prefix string) (*Set, error) {
	set := &Set{trusted: true}
	errs := set.addFS(fsys, root, prefix)
	return set, finish(set, errs)
}

func finish(set *Set, errs Errors) error {
	errs = append(errs, set.pairAdmission()...)
	errs = append(errs, checkDuplicates(set.Policies)...)
	return errs.AsError()
}

func (s *Set) addFS(fsys fs.FS, root, prefix string) Errors {
	files, err := stream.YAMLFiles(fsys, root)
	if err != nil {
		return Errors{{File: prefix, Err: err}}
	}
	var errs Errors
	for _, f := range files {
		b, err := fs.ReadFile(fsys, f)
		name := filepath.Join(prefix, filepath.FromSlash(f))
		if err != nil {
			errs = append(errs, &Error{File: name, Err: err})
			continue
		}
		errs = append(errs, s.add(name, b)...)
	}
	return errs
}

// add parses every document of a file and keeps the Kyverno ones.
func (s *Set) add(file string, b []byte) Errors {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil
	}
	docs, err := stream.Read(b, stream.DefaultLimits)
	if err != nil {
		return Errors{{File: file, Err: err}}
	}
	var errs Errors
	for _, d := range docs {
		if d.Node == nil {
			continue
		}
		switch d.Node.YNode().Kind {
		case yaml.MappingNode:
		case yaml.SequenceNode:
			if looksKyverno(d.Node.YNode().Content) {
				errs = append(errs, &Error{File: file, Err: fmt.Errorf("document %d is a YAML list of Kyverno documents: write one per document, separated by ---, or use kind: List with items", d.Index)})
			}
			continue
		default:
			continue // kyaml's getters panic on lists and scalars
		}
		errs = append(errs, s.addNode(file, d.Index, d.Node)...)
	}
	return errs
}

// looksKyverno reports whether list elements are Kyverno documents.
func looksKyverno(elems []*yaml.Node) bool {
	for _, e := range elems {
		if e.Kind == yaml.MappingNode && isKyverno(yaml.NewRNode(e).GetApiVersion()) {
			return true
		}
	}
	return false
}

func isKyverno(apiVersion string) bool {
	return strings.HasPrefix(apiVersion, "kyverno.io/") || strings.HasPrefix(apiVersion, "policies.kyverno.io/")
}

// addNode adds one mapping document: a policy, another Kyverno document,
// or the items of a kubectl-style List.
func (s *Set) addNode(file string, index int, n *yaml.RNode) Errors {
	// yamlnode's lookups, not kyaml's getters: those assume well-formed
	// mappings and panic on "metadata:" holding a list.
	root := n.YNode()
	apiVersion, kind := yamlnode.Scalar(yamlnode.Field(root, "apiVersion")), yamlnode.Scalar(yamlnode.Field(root, "kind"))
	if apiVersion == "v1" && kind == "List" {
		var errs Errors
		if items := n.Field("items"); items != nil && items.Value.YNode().Kind == yaml.SequenceNode {
			for _, it := range items.Value.YNode().Content {
				if it.Kind == yaml.MappingNode {
					errs = append(errs, s.addNode(file, index, yaml.NewRNode(it))...)
				}
			}
		}
		return errs
	}
	if isAdmissionPolicy(apiVersion, kind) {
		s.Others = append(s.Others, &Document{File: file, Node: n})
		return nil
	}
	if !isKyverno(apiVersion) {
		return nil
	}
	if celKinds[kind] && apiGroup(apiVersion) == "policies.kyverno.io" {
		p, errs := parseCELPolicy(file, n, !s.trusted)
		if p != nil {
			s.Policies = append(s.Policies, p)
		}
		return errs
	}
	if kind == "ClusterPolicy" || kind == "Policy" {
		p, errs := parse(file, n, !s.trusted)
		if p != nil {
			s.Policies = append(s.Policies, p)
		}
		return errs
	}
	if !knownKinds[apiGroup(apiVersion)][kind] {
		name := yamlnode.Scalar(yamlnode.Field(yamlnode.Field(root, "metadata"), "name"))
		return Errors{{File: file, Policy: name,
			Err: fmt.Errorf("document %d: %s is not a Kyverno kind (expected ClusterPolicy, Policy or PolicyException)", index, kind)}}
	}
	// A PolicyException is checked where it is parsed (package
	// exception), the other kinds here.
	if kind != "PolicyException" && !s.trusted {
		name := yamlnode.Scalar(yamlnode.Field(yamlnode.Field(root, "metadata"), "name"))
		if errs := checkSchema(file, name, apiVersion, kind, n); len(errs) > 0 {
			return errs
		}
	}
	s.Others = append(s.Others, &Document{File: file, Node: n})
	return nil
}

// knownKinds are the kinds of Kyverno's API groups. A document of another
// kind in those groups is a typo ("ClusterPolicies"), not something to skip.
var knownKinds = map[string]map[string]bool{
	"kyverno.io": {
		"ClusterPolicy": true, "Policy": true, "PolicyException": true,
		"CleanupPolicy": true, "ClusterCleanupPolicy": true, "GlobalContextEntry": true,
		"UpdateRequest": true, "PolicyReport": true, "ClusterPolicyReport": true,
	},
	"policies.kyverno.io": {
		"ValidatingPolicy": true, "NamespacedValidatingPolicy": true,
		"ImageValidatingPolicy": true, "NamespacedImageValidatingPolicy": true,
		"MutatingPolicy": true, "NamespacedMutatingPolicy": true,
		"GeneratingPolicy": true, "NamespacedGeneratingPolicy": true,
		"DeletingPolicy": true, "NamespacedDeletingPolicy": true,
		"PolicyException": true,
	},
}

func apiGroup(apiVersion string) string {
	g, _, _ := strings.Cut(apiVersion, "/")
	return g
}

// Parse reads one ClusterPolicy or Policy document, checks it against the
// schema of Kyverno's CRD for its kind and version, validates its shape and
// appends the autogen rules.
func Parse(file string, n *yaml.RNode) (*Policy, Errors) {
	return parse(file, n, true)
}

// CheckSchema checks a document against the schema of its kind and version
// in Kyverno's CRDs; the library's tests run it on the embedded policies,
// which LoadFS does not check.
func CheckSchema(file string, n *yaml.RNode) Errors {
	root := n.YNode()
	apiVersion, kind := yamlnode.Scalar(yamlnode.Field(root, "apiVersion")), yamlnode.Scalar(yamlnode.Field(root, "kind"))
	name := yamlnode.Scalar(yamlnode.Field(yamlnode.Field(root, "metadata"), "name"))
	return checkSchema(file, name, apiVersion, kind, n)
}

func parse(file string, n *yaml.RNode, check bool) (*Policy, Errors) {
	meta, err := n.GetMeta()
	if err != nil {
		return nil, Errors{{File: file, Err: fmt.Errorf("reading metadata: %w", err)}}
	}
	p := &Policy{
		File:        file,
		Kind:        meta.Kind,
		Name:        meta.Name,
		Annotations: meta.Annotations,
		Node:        n,
	}
	if meta.APIVersion != "kyverno.io/v1" && meta.APIVersion != "kyverno.io/v2beta1" {
		return nil, Errors{{File: file, Policy: p.Name, Err: fmt.Errorf("apiVersion %q is not supported: use kyverno.io/v1", meta.APIVersion)}}
	}
	// The schema first, as the API server would: its messages name the
	// field path (and the nearest name of a typo), where the parse below
	// reports Go's decoding errors.
	if check {
		if errs := checkSchema(file, p.Name, meta.APIVersion, meta.Kind, n); len(errs) > 0 {
			return nil, errs
		}
	}
	if p.Kind == "Policy" {
		p.Namespace = meta.Namespace
		if p.Namespace == "" {
			p.Namespace = "default"
		}
	}
	if p.Name == "" {
		return nil, Errors{{File: file, Err: errors.New("metadata.name is required")}}
	}
	errorf := func(rule, format string, args ...any) *Error {
		return &Error{File: file, Policy: p.Name, Rule: rule, Err: fmt.Errorf(format, args...)}
	}
	if v := n.Field("spec"); v == nil || v.Value.YNode().Kind != yaml.MappingNode {
		return nil, Errors{errorf("", "spec is required")}
	}
	p.ValidationFailureAction = scalar(n, "spec", "validationFailureAction")
	if a := p.ValidationFailureAction; a != "" {
		if _, err := ParseAction(a); err != nil {
			return nil, Errors{errorf("", "spec.validationFailureAction: %v", err)}
		}
	}
	p.FailurePolicy = scalar(n, "spec", "failurePolicy")
	if f := p.FailurePolicy; f != "" && f != "Fail" && f != "Ignore" {
		return nil, Errors{errorf("", "spec.failurePolicy: %q is not Fail or Ignore", f)}
	}
	rules, err := n.Pipe(yaml.Lookup("spec", "rules"))
	if err != nil || rules == nil || rules.YNode().Kind != yaml.SequenceNode || len(rules.YNode().Content) == 0 {
		return nil, Errors{errorf("", "spec.rules must be a non-empty list")}
	}
	var errs Errors
	seen := map[string]bool{}
	for i, rn := range rules.YNode().Content {
		r, err := parseRule(yaml.NewRNode(rn))
		if err != nil {
			errs = append(errs, errorf(r.Name, "rule %d: %v", i, err))
			continue
		}
		if seen[r.Name] {
			errs = append(errs, errorf(r.Name, "duplicate rule name"))
			continue
		}
		seen[r.Name] = true
		p.Rules = append(p.Rules, r)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	gen, err := autogen(p)
	if err != nil {
		return nil, Errors{errorf("", "autogen: %v", err)}
	}
	p.Rules = gen
	return p, nil
}

func parseRule(n *yaml.RNode) (*Rule, error) {
	r := &Rule{Node: n}
	if n.YNode().Kind != yaml.MappingNode {
		return r, errors.New("a rule must be a mapping")
	}
	r.Name = scalar(n, "name")
	if r.Name == "" {
		return r, errors.New("name is required")
	}
	if err := decodeStrict(n.Field("match"), &r.Match); err != nil {
		return r, fmt.Errorf("match: %w", err)
	}
	if r.Match.IsEmpty() {
		return r, errors.New("match is required and must select resources")
	}
	if err := decodeStrict(n.Field("exclude"), &r.Exclude); err != nil {
		return r, fmt.Errorf("exclude: %w", err)
	}
	count := 0
	for _, k := range []string{"mutate", "validate", "generate", "verifyImages"} {
		if n.Field(k) != nil {
			count++
		}
	}
	if count != 1 {
		return r, errors.New("a rule needs exactly one of mutate, validate, generate or verifyImages")
	}
	r.typ = classify(n)
	if a := scalar(n, "validate", "failureAction"); a != "" {
		if _, err := ParseAction(a); err != nil {
			return r, fmt.Errorf("validate.failureAction: %w", err)
		}
	}
	if _, err := matchCompile(r); err != nil {
		return r, err
	}
	return r, nil
}

func matchCompile(r *Rule) (bool, error) {
	if _, err := match.Compile(&r.Match); err != nil {
		return false, fmt.Errorf("match: %w", err)
	}
	if _, err := match.Compile(&r.Exclude); err != nil {
		return false, fmt.Errorf("exclude: %w", err)
	}
	return true, nil
}

func decodeStrict(f *yaml.MapNode, out any) error {
	b, err := blockJSON(f)
	if err != nil || b == nil {
		return err
	}
	return decodeJSON(b, out)
}

// blockJSON is a rule's match or exclude block as the JSON decodeStrict
// decodes; nil when the rule has none.
func blockJSON(f *yaml.MapNode) ([]byte, error) {
	if f == nil || f.Value == nil {
		return nil, nil
	}
	return f.Value.MarshalJSON()
}

func decodeJSON(b []byte, out any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(out)
}

// scalar is the text of the scalar at path ("null" for a null), or "".
func scalar(n *yaml.RNode, path ...string) string {
	v := yamlnode.Path(n.YNode(), path...)
	if v == nil || v.Kind != yaml.ScalarNode {
		return ""
	}
	return v.Value
}

func checkDuplicates(ps []*Policy) Errors {
	seen := map[string]*Policy{}
	var errs Errors
	for _, p := range ps {
		key := p.Kind + "/" + p.Namespace + "/" + p.Name
		if prev, ok := seen[key]; ok {
			errs = append(errs, &Error{File: p.File, Policy: p.Name, Err: fmt.Errorf("%s %q is also defined in %s", p.Kind, p.Name, prev.File)})
			continue
		}
		seen[key] = p
	}
	return errs
}
