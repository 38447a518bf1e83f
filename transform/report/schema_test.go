package report

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/yaml"
)

// compileSchema compiles a schema document (already decoded) under a
// made-up URL.
func compileSchema(t *testing.T, url string, doc any, draft *jsonschema.Draft) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	c.DefaultDraft(draft)
	c.AssertFormat()
	if err := c.AddResource(url, doc); err != nil {
		t.Fatalf("add %s: %v", url, err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatalf("compile %s: %v", url, err)
	}
	return s
}

func loadJSONFile(t *testing.T, path string) any {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return doc
}

// toInstance turns a Go value into what the validator checks: the
// generic JSON form, numbers as json.Number.
func toInstance(t *testing.T, v any) any {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	return inst
}

// crdSchema returns the openAPIV3Schema of the vendored CRD, made strict:
// every object schema that lists properties and says nothing about others
// forbids them. The API server would prune unknown fields silently; the
// test wants to hear about them.
func crdSchema(t *testing.T, file string) (kind string, schema *jsonschema.Schema) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "crds", file))
	if err != nil {
		t.Fatal(err)
	}
	var crd struct {
		Spec struct {
			Group string `json:"group"`
			Names struct {
				Kind string `json:"kind"`
			} `json:"names"`
			Versions []struct {
				Name   string `json:"name"`
				Schema struct {
					OpenAPIV3Schema map[string]any `json:"openAPIV3Schema"`
				} `json:"schema"`
			} `json:"versions"`
		} `json:"spec"`
	}
	if err := yaml.Unmarshal(data, &crd); err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	for _, v := range crd.Spec.Versions {
		if crd.Spec.Group+"/"+v.Name != PolicyReportAPIVersion {
			continue
		}
		strict := toInstance(t, v.Schema.OpenAPIV3Schema)
		forbidUnknownFields(strict)
		return crd.Spec.Names.Kind, compileSchema(t, "file:///crds/"+file+".json", strict, jsonschema.Draft4)
	}
	t.Fatalf("%s has no version %s", file, PolicyReportAPIVersion)
	return "", nil
}

func forbidUnknownFields(node any) {
	schema, ok := node.(map[string]any)
	if !ok {
		return
	}
	if props, ok := schema["properties"].(map[string]any); ok {
		if _, ok := schema["additionalProperties"]; !ok {
			schema["additionalProperties"] = false
		}
		for _, p := range props {
			forbidUnknownFields(p)
		}
	}
	forbidUnknownFields(schema["items"])
	forbidUnknownFields(schema["additionalProperties"])
}

// decodeYAMLStream splits a multi-document YAML stream into JSON instances.
func decodeYAMLStream(t *testing.T, data []byte) []any {
	t.Helper()
	dec := kyaml.NewDecoder(bytes.NewReader(data))
	var docs []any
	for {
		var doc map[string]any
		err := dec.Decode(&doc)
		if errors.Is(err, io.EOF) {
			return docs
		}
		if err != nil {
			t.Fatalf("decode report stream: %v", err)
		}
		docs = append(docs, toInstance(t, doc))
	}
}

func TestPolicyReportMatchesCRD(t *testing.T) {
	schemas := map[string]*jsonschema.Schema{}
	for _, f := range []string{"wgpolicyk8s.io_policyreports.yaml", "wgpolicyk8s.io_clusterpolicyreports.yaml"} {
		kind, s := crdSchema(t, f)
		schemas[kind] = s
	}
	out := render(t, FormatPolicyReport, goldenOptions(), loadResults(t))
	docs := decodeYAMLStream(t, out)
	if len(docs) != 3 {
		t.Fatalf("got %d reports, want 3 (cluster, jobs, shop)", len(docs))
	}
	for i, doc := range docs {
		obj := doc.(map[string]any)
		if obj["apiVersion"] != PolicyReportAPIVersion {
			t.Errorf("doc %d: apiVersion %v", i, obj["apiVersion"])
		}
		kind, _ := obj["kind"].(string)
		s := schemas[kind]
		if s == nil {
			t.Fatalf("doc %d: kind %q has no CRD", i, kind)
		}
		if err := s.Validate(doc); err != nil {
			t.Errorf("doc %d (%s) does not match its CRD:\n%v", i, kind, err)
		}
	}
	if docs[0].(map[string]any)["kind"] != "ClusterPolicyReport" {
		t.Errorf("first report is not the ClusterPolicyReport")
	}

	// The strict schema must catch what the API server would drop or refuse.
	bad := docs[1].(map[string]any)
	results := bad["results"].([]any)
	results[0].(map[string]any)["result"] = "failed"
	results[0].(map[string]any)["resourceName"] = "x"
	if err := schemas["PolicyReport"].Validate(bad); err == nil {
		t.Error("a report with result \"failed\" and an unknown field validated")
	}
}

// TestCELPolicyReportMatchesCRD: the properties CEL results add (the
// expression, cel.validationIndex, binding, mapBinding, remediation) are
// strings, as the CRD wants them.
func TestCELPolicyReportMatchesCRD(t *testing.T) {
	schemas := map[string]*jsonschema.Schema{}
	for _, f := range []string{"wgpolicyk8s.io_policyreports.yaml", "wgpolicyk8s.io_clusterpolicyreports.yaml"} {
		kind, s := crdSchema(t, f)
		schemas[kind] = s
	}
	for i, doc := range decodeYAMLStream(t, render(t, FormatPolicyReport, goldenOptions(), loadCELResults(t))) {
		kind, _ := doc.(map[string]any)["kind"].(string)
		if err := schemas[kind].Validate(doc); err != nil {
			t.Errorf("doc %d (%s) does not match its CRD:\n%v", i, kind, err)
		}
	}
}

func TestPolicyReportOptions(t *testing.T) {
	opts := goldenOptions()
	opts.PolicyReportSource = SourceKyverno
	opts.PolicyReportName = "render-shop"
	w := NewPolicyReport(io.Discard, opts)
	reports := w.Reports(loadResults(t))
	for _, r := range reports {
		if r.Metadata.Name != "render-shop" {
			t.Errorf("%s %s: name %q", r.Kind, r.Metadata.Namespace, r.Metadata.Name)
		}
		var sum Counts
		for _, res := range r.Results {
			if res.Source != SourceKyverno {
				t.Errorf("source %q, want %q", res.Source, SourceKyverno)
			}
			if res.Timestamp.Seconds != fixedNow().Unix() || res.Timestamp.Nanos != 0 {
				t.Errorf("timestamp %+v, want seconds of the injected clock", res.Timestamp)
			}
			sum.Add(res.Result)
		}
		if sum != r.Summary {
			t.Errorf("%s %s: summary %+v, results count %+v", r.Kind, r.Metadata.Namespace, r.Summary, sum)
		}
	}
}

func TestReportSeverity(t *testing.T) {
	for in, want := range map[string]string{
		"high": "high", "High": "high", "CRITICAL": "critical", "medium": "medium",
		"low": "low", "info": "info", "": "", "severe": "",
	} {
		if got := reportSeverity(in); got != want {
			t.Errorf("reportSeverity(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSARIFMatchesSchema(t *testing.T) {
	schema := compileSchema(t, "file:///schema/sarif-schema-2.1.0.json",
		loadJSONFile(t, filepath.Join("testdata", "schema", "sarif-schema-2.1.0.json")), jsonschema.Draft4)
	for _, c := range goldenCases() {
		out := render(t, FormatSARIF, c.opts, c.results(t))
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s: SARIF log does not match the 2.1.0 schema:\n%v", c.name, err)
		}
	}

	// The schema must catch a level SARIF does not know.
	broken := bytes.Replace(render(t, FormatSARIF, goldenOptions(), loadResults(t)),
		[]byte(`"level": "warning"`), []byte(`"level": "fatal"`), 1)
	if inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(broken)); err != nil {
		t.Fatal(err)
	} else if schema.Validate(inst) == nil {
		t.Error(`a log with level "fatal" validated`)
	}

	var log sarifLog
	if err := json.Unmarshal(render(t, FormatSARIF, goldenOptions(), loadResults(t)), &log); err != nil {
		t.Fatal(err)
	}
	run := log.Runs[0]
	levels := map[string]string{}
	for _, r := range run.Results {
		if run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %s points at rule %d", r.RuleID, r.RuleIndex)
		}
		levels[r.RuleID] = r.Level
	}
	for rule, want := range map[string]string{
		"disallow-latest-tag/autogen-validate-image-tag":     "error",   // Enforce
		"require-probes/autogen-validate-probes":             "warning", // Warn
		"require-requests-limits/autogen-validate-resources": "warning", // Audit
		"shop/configmap-size/max-keys":                       "warning", // warn status
		"check-image-registry/lookup-allowed":                "error",   // error status
		"restrict-wildcard-verbs/wildcard-verbs":             "error",   // suppressed Enforce
	} {
		if levels[rule] != want {
			t.Errorf("%s: level %q, want %q", rule, levels[rule], want)
		}
	}
	if _, ok := levels["require-labels/check-team"]; ok {
		t.Error("pass results must not become SARIF results")
	}
}

func TestJSONMatchesSchema(t *testing.T) {
	schema := compileSchema(t, "file:///docs/schema/report.schema.json",
		loadJSONFile(t, filepath.Join("..", "..", "docs", "schema", "report.schema.json")), jsonschema.Draft2020)
	for _, c := range goldenCases() {
		out := render(t, FormatJSON, c.opts, c.results(t))
		inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(out))
		if err != nil {
			t.Fatal(err)
		}
		if err := schema.Validate(inst); err != nil {
			t.Errorf("%s: JSON report does not match docs/schema/report.schema.json:\n%v", c.name, err)
		}
	}
	// Round trip: the report decodes back into the same results.
	results := loadResults(t)
	var back JSONReport
	if err := json.Unmarshal(render(t, FormatJSON, goldenOptions(), results), &back); err != nil {
		t.Fatal(err)
	}
	Sort(results)
	if len(back.Results) != len(results) {
		t.Fatalf("got %d results back, want %d", len(back.Results), len(results))
	}
	for i := range results {
		if back.Results[i] != results[i] {
			t.Errorf("result %d: got %+v, want %+v", i, back.Results[i], results[i])
		}
	}
	if back.Summary != Tally(results, goldenOptions().Resources) {
		t.Errorf("summary %+v does not match Tally", back.Summary)
	}
}

func TestJUnitParsesBack(t *testing.T) {
	results := loadResults(t)
	out := render(t, FormatJUnit, goldenOptions(), results)
	var doc JUnitTestSuites
	if err := xml.Unmarshal(out, &doc); err != nil {
		t.Fatalf("JUnit output is not XML: %v", err)
	}
	totals := Tally(results, 0)
	if doc.Tests != len(results) || doc.Failures != totals.Fail || doc.Errors != totals.Error || doc.Skipped != totals.Skip {
		t.Errorf("testsuites counts tests=%d failures=%d errors=%d skipped=%d, want %d/%d/%d/%d",
			doc.Tests, doc.Failures, doc.Errors, doc.Skipped, len(results), totals.Fail, totals.Error, totals.Skip)
	}
	policies := map[string]bool{}
	for _, r := range results {
		policies[r.PolicyKey()] = true
	}
	if len(doc.Suites) != len(policies) {
		t.Errorf("%d suites, want one per policy (%d)", len(doc.Suites), len(policies))
	}
	var cases int
	for _, s := range doc.Suites {
		var failures, errs, skipped int
		for _, c := range s.Cases {
			cases++
			if c.Classname != s.Name {
				t.Errorf("case %q in suite %q has classname %q", c.Name, s.Name, c.Classname)
			}
			if c.Failure != nil {
				failures++
				if c.Failure.Type == "" || c.Failure.Message == "" || !strings.Contains(c.Failure.Text, c.Failure.Message) {
					t.Errorf("case %q: incomplete failure %+v", c.Name, c.Failure)
				}
			}
			if c.Error != nil {
				errs++
			}
			if c.Skipped != nil {
				skipped++
			}
		}
		if s.Tests != len(s.Cases) || s.Failures != failures || s.Errors != errs || s.Skipped != skipped {
			t.Errorf("suite %s: counts do not match its cases", s.Name)
		}
	}
	if cases != len(results) {
		t.Errorf("%d test cases, want %d", cases, len(results))
	}
	// The multi-line remediation survives the round trip.
	for _, s := range doc.Suites {
		for _, c := range s.Cases {
			if c.Failure != nil && strings.HasPrefix(c.Name, "autogen-validate-image-tag") &&
				!strings.Contains(c.Failure.Text, "\n        image: nginx:1.27") {
				t.Errorf("remediation lost its lines: %q", c.Failure.Text)
			}
		}
	}
}
