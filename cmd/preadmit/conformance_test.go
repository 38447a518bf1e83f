package main

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// conformanceKinds are the directories of Kyverno's conformance suite
// (test/conformance/chainsaw) whose tests are CEL policies of the kinds
// preadmit runs.
var conformanceKinds = []string{
	"validating-policies",
	"mutating-policies",
	"namespaced-validating-policies",
	"namespaced-mutating-policies",
}

// conformanceSkipped are the conformance directories that cannot run
// offline, in either tool, or that kyverno apply cannot run: why each is
// left out.
var conformanceSkipped = map[string]string{
	// No resource: the steps check what the cluster makes of the policy.
	"mutating-policies/existing/reject-all-modes-disabled":                           noResource,
	"validating-policies/apply-v1":                                                   noResource,
	"validating-policies/autogen/none":                                               noResource,
	"validating-policies/autogen/should-autogen":                                     noResource,
	"validating-policies/autogen/should-autogen-with-namespace-selector":             noResource,
	"validating-policies/autogen/should-not-autogen":                                 noResource,
	"validating-policies/webhook-configuration/basic/match-labels":                   noResource,
	"validating-policies/webhook-configuration/basic/multiple":                       noResource,
	"validating-policies/webhook-configuration/basic/single":                         noResource,
	"validating-policies/webhook-configuration/combined":                             noResource,
	"validating-policies/webhook-configuration/fine-grained-tests/match-conditions":  noResource,
	"validating-policies/webhook-configuration/fine-grained-tests/match-constraints": noResource,
	"validating-policies/webhook-configuration/fine-grained-tests/timeout":           noResource,
	"validating-policies/validation-checks/invalid-action":                           noPolicyFile,
	"validating-policies/validation-checks/missing-match-constraints":                noPolicyFile,
	"validating-policies/exceptions/empty-policy-ref":                                "no policy: the API server's validation of a PolicyException",
	"mutating-policies/reporting/events-violation":                                   "its policy.yaml is the same document twice (duplicate keys), which chainsaw reads and a YAML parser refuses",
	"mutating-policies/subresources":                                                 "its expression does not compile (a key with a dot and a stray character): kyverno apply and preadmit render both refuse the policy",

	// The policy reads the cluster or the network: preadmit render refuses
	// such a policy (a render has no value for the call), kyverno apply runs
	// it without a cluster and reports an error or a mock's answer.
	"mutating-policies/context/api-call/http-get":                             needsCluster,
	"mutating-policies/context/api-call/http-post":                            needsCluster,
	"mutating-policies/context/globalcontextentry":                            needsCluster,
	"mutating-policies/context/image-data":                                    needsCluster,
	"mutating-policies/context/resource/get":                                  needsCluster,
	"mutating-policies/context/resource/match-conditions":                     needsCluster,
	"mutating-policies/gzip":                                                  needsCluster,
	"mutating-policies/request-object":                                        needsCluster,
	"validating-policies/context/api-call/http-get":                           needsCluster,
	"validating-policies/context/api-call/http-post":                          needsCluster,
	"validating-policies/context/configmap":                                   needsCluster,
	"validating-policies/context/globalreference":                             needsCluster,
	"validating-policies/context/globalreference-missing-graceful":            needsCluster,
	"validating-policies/context/globalreference-missing-graceful-edge-cases": needsCluster,
	"validating-policies/context/image-data":                                  needsCluster,
	"validating-policies/context/image-data-arch":                             needsCluster,
	"validating-policies/context/resource/get":                                needsCluster,
	"validating-policies/context/resource/post":                               needsCluster,
	"validating-policies/report/background/globalcontextentry":                needsCluster,

	// Neither tool gives a verdict: the policy mutates other resources
	// than those it matches (mutateExisting), which a render does not
	// apply and the CLI reports nothing for, or matches none of them.
	"mutating-policies/existing/expression/delete-get":                         noVerdict,
	"mutating-policies/existing/skip-background-requests":                      noVerdict,
	"mutating-policies/existing/variables/auto-bind-sa-remove/.chainsaw-tests": noVerdict,
	"validating-policies/context/parse-sa":                                     noVerdict,

	// kyverno apply panics: the steps create an object, then apply it again
	// changed, and the CLI's fake cluster holds one object of a name
	// ("already exists").
	"mutating-policies/existing/different-trigger-target":            kyvernoPanics,
	"mutating-policies/reporting/existing-admission-flow":            kyvernoPanics,
	"namespaced-mutating-policies/existing/different-trigger-target": kyvernoPanics,
	"validating-policies/context/imagereference":                     kyvernoPanics,
}

// Why conformance directories are skipped, for several of them.
const (
	noResource    = "no resource: its steps check what the cluster makes of the policy (its status, webhook configuration or autogen rules), not a verdict"
	noPolicyFile  = "no policy file: its script checks the API server's refusal of an invalid policy"
	needsCluster  = "the policy reads the cluster or the network (resource.*, http.*, globalContext, image.GetMetadata): preadmit render refuses it, it has no value at render time"
	noVerdict     = "neither tool gives a verdict: the policy matches none of the resources, or mutates others than those it matches (mutateExisting)"
	kyvernoPanics = "kyverno apply panics (\"already exists\"): the steps create an object and then apply it again changed"
)

// TestKyvernoDifferentialConformance is part of `make parity`: every test
// of Kyverno's own conformance suite for CEL policies (its
// test/conformance/chainsaw, v1.19.0) goes through preadmit render and
// through the real kyverno apply. The files its chainsaw steps create or
// apply are read by content: the policies are given to both tools, the
// PolicyExceptions as the exceptions, everything else is the input. The
// differences found are exactly those of
// testdata/differential/conformance.txt, each explained in
// docs/deviations/differential.md; conformanceSkipped says why a
// directory does not run.
func TestKyvernoDifferentialConformance(t *testing.T) {
	kyverno := kyvernoBinary(t)
	root := filepath.Join(filepath.Dir(kyvernoCLISuite(t)), "conformance", "chainsaw")
	runs, found := conformanceRuns(t, root)
	for dir := range conformanceSkipped {
		if !slices.Contains(found, dir) {
			t.Errorf("conformanceSkipped names %s, which is not a conformance test of the suite", dir)
		}
	}
	t.Logf("%d conformance directories: %d run, %d skipped", len(found), len(runs), len(found)-len(runs))
	checkDifferential(t, kyverno, runs, filepath.Join("testdata", "differential", "conformance.txt"))
}

// conformanceRuns reads every conformance test under root and returns a
// run for each not skipped, and the directories found (relative to root).
func conformanceRuns(t *testing.T, root string) ([]differentialRun, []string) {
	t.Helper()
	var runs []differentialRun
	var found []string
	for _, kind := range conformanceKinds {
		err := filepath.WalkDir(filepath.Join(root, kind), func(path string, d os.DirEntry, err error) error {
			if err != nil || d.IsDir() || d.Name() != "chainsaw-test.yaml" {
				return err
			}
			dir := filepath.Dir(path)
			rel, err := filepath.Rel(root, dir)
			if err != nil {
				return err
			}
			rel = filepath.ToSlash(rel)
			found = append(found, rel)
			if _, skip := conformanceSkipped[rel]; skip {
				return nil
			}
			r, err := conformanceRun(t, dir, rel)
			if err != nil {
				return err
			}
			runs = append(runs, r)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(found) == 0 {
		t.Fatalf("no conformance test under %s", root)
	}
	return runs, found
}

// conformanceRun sorts the documents of the files one conformance test
// creates or applies into policies, exceptions and input, each written to
// a file of a temporary directory.
func conformanceRun(t *testing.T, dir, name string) (differentialRun, error) {
	files, err := chainsawFiles(filepath.Join(dir, "chainsaw-test.yaml"))
	if err != nil {
		return differentialRun{}, err
	}
	var policies, exceptions, input bytes.Buffer
	for _, f := range files {
		paths, err := filepath.Glob(filepath.Join(dir, filepath.FromSlash(f)))
		if err != nil {
			return differentialRun{}, err
		}
		for _, p := range paths {
			docs, err := yamlDocuments(p)
			if err != nil {
				return differentialRun{}, err
			}
			for _, doc := range docs {
				to := &input
				switch conformanceRole(doc.node) {
				case rolePolicy:
					to = &policies
				case roleException:
					to = &exceptions
				}
				to.WriteString("---\n")
				to.Write(doc.raw)
			}
		}
	}
	if policies.Len() == 0 {
		return differentialRun{}, errors.New(name + ": no policy among the files its steps create: skip it in conformanceSkipped")
	}
	tmp := t.TempDir()
	r := differentialRun{name: name, input: input.Bytes()}
	pf := filepath.Join(tmp, "policies.yaml")
	if err := os.WriteFile(pf, policies.Bytes(), 0o600); err != nil {
		return r, err
	}
	r.policies = []string{pf}
	if exceptions.Len() > 0 {
		r.exceptions = filepath.Join(tmp, "exceptions.yaml")
		if err := os.WriteFile(r.exceptions, exceptions.Bytes(), 0o600); err != nil {
			return r, err
		}
	}
	return r, nil
}

// conformanceRoleKind is what a document of a conformance test is to the
// run: input, a policy or a PolicyException.
type conformanceRoleKind int

const (
	roleInput conformanceRoleKind = iota
	rolePolicy
	roleException
)

// conformanceRole reads a document's apiVersion and kind: the
// policies.kyverno.io policy kinds and the admission policy kinds (and
// bindings) are policies, a PolicyException of either group an exception.
func conformanceRole(doc *yaml.Node) conformanceRoleKind {
	var tm struct {
		APIVersion string `yaml:"apiVersion"`
		Kind       string `yaml:"kind"`
	}
	if err := doc.Decode(&tm); err != nil {
		return roleInput
	}
	group, _, _ := strings.Cut(tm.APIVersion, "/")
	switch {
	case tm.Kind == "PolicyException":
		return roleException
	case group == "policies.kyverno.io" && slices.Contains([]string{"ValidatingPolicy", "NamespacedValidatingPolicy", "MutatingPolicy", "NamespacedMutatingPolicy"}, tm.Kind),
		group == "admissionregistration.k8s.io" && slices.Contains([]string{"ValidatingAdmissionPolicy", "ValidatingAdmissionPolicyBinding", "MutatingAdmissionPolicy", "MutatingAdmissionPolicyBinding"}, tm.Kind):
		return rolePolicy
	}
	return roleInput
}

// yamlDoc is one document of a YAML file: its bytes and its tree.
type yamlDoc struct {
	raw  []byte
	node *yaml.Node
}

// yamlDocuments splits a YAML file into its non-empty documents.
func yamlDocuments(path string) ([]yamlDoc, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	var docs []yamlDoc
	for {
		var n yaml.Node
		err := dec.Decode(&n)
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		if len(n.Content) == 0 || n.Content[0].Kind != yaml.MappingNode {
			continue
		}
		raw, err := yaml.Marshal(n.Content[0])
		if err != nil {
			return nil, err
		}
		docs = append(docs, yamlDoc{raw: raw, node: n.Content[0]})
	}
	return docs, nil
}

// chainsawFiles are the files a chainsaw test's steps create or apply, in
// order: the file of every apply and create operation of a try block, and
// every binding named file (the step templates create a policy from it).
// Assertions, errors, scripts, patches and deletions are left out.
func chainsawFiles(path string) ([]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var test struct {
		Spec struct {
			Steps []struct {
				Use *struct {
					With struct {
						Bindings []struct {
							Name  string `yaml:"name"`
							Value any    `yaml:"value"`
						} `yaml:"bindings"`
					} `yaml:"with"`
				} `yaml:"use"`
				Try []struct {
					Apply  *struct{ File string } `yaml:"apply"`
					Create *struct{ File string } `yaml:"create"`
				} `yaml:"try"`
			} `yaml:"steps"`
		} `yaml:"spec"`
	}
	if err := yaml.Unmarshal(b, &test); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var files []string
	add := func(f string) {
		if f != "" && !slices.Contains(files, f) {
			files = append(files, f)
		}
	}
	for _, s := range test.Spec.Steps {
		if s.Use != nil {
			for _, b := range s.Use.With.Bindings {
				if v, ok := b.Value.(string); ok && b.Name == "file" {
					add(v)
				}
			}
		}
		for _, op := range s.Try {
			if op.Apply != nil {
				add(op.Apply.File)
			}
			if op.Create != nil {
				add(op.Create.File)
			}
		}
	}
	return files, nil
}
