package report

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"sigs.k8s.io/yaml"
)

// The sources a PolicyReport result can carry. Kyverno writes "kyverno";
// preadmit writes "preadmit" unless told otherwise, so dashboards can tell
// render-time results from the ones Kyverno records at admission.
const (
	SourcePreadmit = "preadmit"
	SourceKyverno  = "kyverno"
)

// PolicyReportAPIVersion is the API the PolicyReport writer emits, the one
// Kyverno writes by default.
const PolicyReportAPIVersion = "wgpolicyk8s.io/v1alpha2"

// PolicyReportObject is a wgpolicyk8s.io/v1alpha2 PolicyReport or
// ClusterPolicyReport, with the fields Kyverno fills in.
type PolicyReportObject struct {
	APIVersion string               `json:"apiVersion"`
	Kind       string               `json:"kind"`
	Metadata   PolicyReportMetadata `json:"metadata"`
	Results    []PolicyReportResult `json:"results,omitempty"`
	Summary    PolicyReportSummary  `json:"summary"`
}

// PolicyReportMetadata is the part of ObjectMeta a report carries.
type PolicyReportMetadata struct {
	Name      string            `json:"name"`
	Namespace string            `json:"namespace,omitempty"`
	Labels    map[string]string `json:"labels,omitempty"`
}

// PolicyReportSummary counts a report's results by status.
type PolicyReportSummary = Counts

// PolicyReportResult is one entry of a report's results.
type PolicyReportResult struct {
	Source     string            `json:"source"`
	Policy     string            `json:"policy"`
	Rule       string            `json:"rule,omitempty"`
	Message    string            `json:"message,omitempty"`
	Properties map[string]string `json:"properties,omitempty"`
	Result     Status            `json:"result"`
	Scored     bool              `json:"scored"`
	Timestamp  Timestamp         `json:"timestamp"`
	Category   string            `json:"category,omitempty"`
	Severity   string            `json:"severity,omitempty"`
	Resources  []ObjectReference `json:"resources,omitempty"`
}

// Timestamp is metav1.Timestamp: Kyverno fills in seconds only.
type Timestamp struct {
	Seconds int64 `json:"seconds"`
	Nanos   int32 `json:"nanos"`
}

// ObjectReference is the part of corev1.ObjectReference a result names.
// A render has no UIDs, so uid is never set.
type ObjectReference struct {
	APIVersion string `json:"apiVersion,omitempty"`
	Kind       string `json:"kind,omitempty"`
	Name       string `json:"name,omitempty"`
	Namespace  string `json:"namespace,omitempty"`
}

// The properties preadmit adds to PolicyReport results. "process",
// "exceptions", "controls", "cel.validationIndex", "binding" and
// "mapBinding" are Kyverno's own keys, with Kyverno's meaning.
const (
	PropertyProcess         = "process"
	PropertyExceptions      = "exceptions"
	PropertyControls        = "controls"
	PropertyValidationIndex = "cel.validationIndex"
	PropertyBinding         = "binding"
	PropertyMAPBinding      = "mapBinding"
	PropertyAction          = "failureAction"
	PropertyPath            = "path"
	PropertyExpression      = "expression"
	PropertyRemediation     = "remediation"
	PropertyTemplate        = "template"
	PropertyHook            = "hook"
	PropertyRuleType        = "ruleType"
	// ProcessRender is the "process" value of every result: Kyverno writes
	// "admission review" or "background scan".
	ProcessRender = "render"
)

// managedByLabel marks the reports as preadmit's, so that Kyverno's report
// controller, which selects app.kubernetes.io/managed-by=kyverno, leaves
// them alone.
const managedByLabel = "app.kubernetes.io/managed-by"

// PolicyReport writes a multi-document YAML stream: one ClusterPolicyReport
// for cluster-scoped resources (first, when there are any), then one
// PolicyReport per namespace in name order. Results inside a report are in
// Sort order; every result carries the same timestamp, Options.Now.
type PolicyReport struct {
	buffer
	w    io.Writer
	opts Options
}

var _ Writer = (*PolicyReport)(nil)

// NewPolicyReport returns a PolicyReport writer.
func NewPolicyReport(w io.Writer, opts Options) *PolicyReport {
	return &PolicyReport{w: w, opts: opts}
}

// Reports builds the report objects for results, in output order.
func (p *PolicyReport) Reports(results []Result) []PolicyReportObject {
	Sort(results)
	source := p.opts.PolicyReportSource
	if source == "" {
		source = SourcePreadmit
	}
	name := p.opts.PolicyReportName
	if name == "" {
		name = ToolName
	}
	ts := Timestamp{Seconds: p.opts.now().Unix()}
	byNamespace := map[string][]PolicyReportResult{}
	for _, r := range results {
		ns := r.Resource.Namespace
		byNamespace[ns] = append(byNamespace[ns], toPolicyReportResult(r, source, ts))
	}
	namespaces := make([]string, 0, len(byNamespace))
	for ns := range byNamespace {
		namespaces = append(namespaces, ns)
	}
	slices.Sort(namespaces) // "" first: the ClusterPolicyReport
	reports := make([]PolicyReportObject, 0, len(namespaces))
	for _, ns := range namespaces {
		obj := PolicyReportObject{
			APIVersion: PolicyReportAPIVersion,
			Kind:       "PolicyReport",
			Metadata: PolicyReportMetadata{
				Name:      name,
				Namespace: ns,
				Labels:    map[string]string{managedByLabel: ToolName},
			},
			Results: byNamespace[ns],
		}
		if ns == "" {
			obj.Kind = "ClusterPolicyReport"
		}
		for _, r := range obj.Results {
			obj.Summary.Add(r.Result)
		}
		reports = append(reports, obj)
	}
	return reports
}

// Flush writes the buffered results as reports.
func (p *PolicyReport) Flush() error {
	var out bytes.Buffer
	for i, obj := range p.Reports(p.take()) {
		doc, err := yaml.Marshal(obj)
		if err != nil {
			return fmt.Errorf("write %s report: %s %s: %w", FormatPolicyReport, obj.Kind, obj.Metadata.Namespace, err)
		}
		if i > 0 {
			out.WriteString("---\n")
		}
		out.Write(doc)
	}
	if _, err := p.w.Write(out.Bytes()); err != nil {
		return fmt.Errorf("write %s report: %w", FormatPolicyReport, err)
	}
	return nil
}

func toPolicyReportResult(r Result, source string, ts Timestamp) PolicyReportResult {
	props := map[string]string{PropertyProcess: ProcessRender}
	setProperty(props, PropertyAction, string(r.Action))
	setProperty(props, PropertyPath, r.Path)
	setProperty(props, PropertyTemplate, r.Resource.Source)
	setProperty(props, PropertyHook, r.Resource.Hook)
	setProperty(props, PropertyRuleType, string(r.Type))
	setProperty(props, PropertyExceptions, r.Exception)
	setProperty(props, PropertyControls, r.Control)
	setProperty(props, PropertyExpression, r.Expression)
	if r.Expression != "" {
		props[PropertyValidationIndex] = strconv.Itoa(r.ValidationIndex)
	}
	if r.Type == RuleMutation {
		setProperty(props, PropertyMAPBinding, r.Binding)
	} else {
		setProperty(props, PropertyBinding, r.Binding)
	}
	if finding(r) {
		setProperty(props, PropertyRemediation, r.Remediation)
	}
	return PolicyReportResult{
		Source:     source,
		Policy:     r.PolicyKey(),
		Rule:       r.Rule,
		Message:    r.Message,
		Properties: props,
		Result:     r.Status,
		// Kyverno turns a failure of an unscored policy into warn; so a warn
		// result is the unscored one.
		Scored:    r.Status != StatusWarn,
		Timestamp: ts,
		Category:  r.Category,
		Severity:  reportSeverity(r.Severity),
		Resources: []ObjectReference{{
			APIVersion: r.Resource.APIVersion,
			Kind:       r.Resource.Kind,
			Name:       r.Resource.Name,
			Namespace:  r.Resource.Namespace,
		}},
	}
}

func setProperty(props map[string]string, key, value string) {
	if value != "" {
		props[key] = value
	}
}

// reportSeverity maps the policies.kyverno.io/severity annotation the way
// Kyverno does: one of the CRD's enum values, or nothing.
func reportSeverity(s string) string {
	switch s := strings.ToLower(s); s {
	case "critical", "high", "medium", "low", "info":
		return s
	}
	return ""
}
