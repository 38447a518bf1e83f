package report

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
)

// SARIFSchemaURI is written as the log's $schema.
const SARIFSchemaURI = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"

// SARIF writes a SARIF 2.1.0 log with one run. tool.driver lists one rule
// per policy/rule seen (pass and skip included); results are the failures,
// warnings and errors, plus skips a PolicyException caused, written as
// suppressed results. Levels: Enforce failures and errors are "error",
// everything else "warning". A result's location is the "# Source:"
// template when known, and always the resource as a logical location.
type SARIF struct {
	buffer
	w    io.Writer
	opts Options
}

var _ Writer = (*SARIF)(nil)

// NewSARIF returns a SARIF writer.
func NewSARIF(w io.Writer, opts Options) *SARIF {
	return &SARIF{w: w, opts: opts}
}

type sarifLog struct {
	Schema  string     `json:"$schema"`
	Version string     `json:"version"`
	Runs    []sarifRun `json:"runs"`
}

type sarifRun struct {
	Tool        sarifTool         `json:"tool"`
	Invocations []sarifInvocation `json:"invocations"`
	Results     []sarifResult     `json:"results"`
}

type sarifTool struct {
	Driver sarifDriver `json:"driver"`
}

type sarifDriver struct {
	Name           string      `json:"name"`
	Version        string      `json:"version"`
	InformationURI string      `json:"informationUri,omitempty"`
	Rules          []sarifRule `json:"rules"`
}

type sarifInvocation struct {
	ExecutionSuccessful bool   `json:"executionSuccessful"`
	EndTimeUTC          string `json:"endTimeUtc"`
}

type sarifRule struct {
	ID                   string             `json:"id"`
	Name                 string             `json:"name"`
	ShortDescription     *sarifText         `json:"shortDescription,omitempty"`
	Help                 *sarifText         `json:"help,omitempty"`
	DefaultConfiguration sarifConfiguration `json:"defaultConfiguration"`
	Properties           map[string]any     `json:"properties,omitempty"`
}

type sarifConfiguration struct {
	Level string `json:"level"`
}

type sarifText struct {
	Text string `json:"text"`
}

type sarifResult struct {
	RuleID              string             `json:"ruleId"`
	RuleIndex           int                `json:"ruleIndex"`
	Level               string             `json:"level"`
	Message             sarifText          `json:"message"`
	Locations           []sarifLocation    `json:"locations"`
	PartialFingerprints map[string]string  `json:"partialFingerprints"`
	Suppressions        []sarifSuppression `json:"suppressions,omitempty"`
	Properties          map[string]any     `json:"properties"`
}

type sarifLocation struct {
	PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
	LogicalLocations []sarifLogicalLocation `json:"logicalLocations"`
}

type sarifPhysicalLocation struct {
	ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
}

type sarifArtifactLocation struct {
	URI string `json:"uri"`
}

type sarifLogicalLocation struct {
	Name               string `json:"name"`
	FullyQualifiedName string `json:"fullyQualifiedName"`
	Kind               string `json:"kind"`
}

type sarifSuppression struct {
	Kind          string `json:"kind"`
	Justification string `json:"justification"`
}

// sarifFingerprint is the partialFingerprints key: a hash of what the
// result is about, stable across renders, so code scanning can match a
// finding from one run to the next.
const sarifFingerprint = "preadmitResult/v1"

// Flush writes the buffered results as one SARIF log.
func (s *SARIF) Flush() error {
	results := s.take()
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           ToolName,
			Version:        s.opts.toolVersion(),
			InformationURI: "https://github.com/preadmit/preadmit",
			Rules:          []sarifRule{},
		}},
		Invocations: []sarifInvocation{{
			ExecutionSuccessful: true,
			EndTimeUTC:          s.opts.now().UTC().Format(time.RFC3339),
		}},
		Results: []sarifResult{},
	}
	ruleIndex := map[string]int{}
	for _, r := range results {
		id := r.RuleKey()
		i, ok := ruleIndex[id]
		if !ok {
			i = len(run.Tool.Driver.Rules)
			ruleIndex[id] = i
			run.Tool.Driver.Rules = append(run.Tool.Driver.Rules, newSARIFRule(r))
		}
		run.Tool.Driver.Rules[i].describe(r)
		if !sarifReported(r) {
			continue
		}
		run.Results = append(run.Results, sarifResultFor(r, i))
	}
	log := sarifLog{Schema: SARIFSchemaURI, Version: "2.1.0", Runs: []sarifRun{run}}
	enc := json.NewEncoder(s.w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(log); err != nil {
		return fmt.Errorf("write %s report: %w", FormatSARIF, err)
	}
	return nil
}

// sarifReported reports whether a result becomes a SARIF result.
func sarifReported(r Result) bool {
	return finding(r) || (r.Status == StatusSkip && r.Exception != "")
}

// sarifLevel is "error" for errors and for Enforce failures, including
// those an exception suppressed; "warning" otherwise.
func sarifLevel(r Result) string {
	enforced := r.Action == ActionEnforce && (r.Status == StatusFail || r.Status == StatusSkip)
	if r.Status == StatusError || enforced {
		return "error"
	}
	return "warning"
}

// sarifSecuritySeverity maps Kyverno's severity to the CVSS-like number
// GitHub code scanning reads from properties["security-severity"].
var sarifSecuritySeverity = map[string]string{
	"critical": "9.5",
	"high":     "8.0",
	"medium":   "5.5",
	"low":      "3.0",
	"info":     "0.0",
}

func newSARIFRule(r Result) sarifRule {
	return sarifRule{
		ID:                   r.RuleKey(),
		Name:                 r.Rule,
		DefaultConfiguration: sarifConfiguration{Level: "warning"},
		Properties:           map[string]any{"policy": r.PolicyKey()},
	}
}

// describe fills in what the rule still lacks from r. Results come in Sort
// order, so the first result that knows a text supplies it and the output
// is stable; the description is taken from a finding's message, never from
// a pass message.
func (rule *sarifRule) describe(r Result) {
	props := rule.Properties
	if r.Action == ActionEnforce {
		rule.DefaultConfiguration.Level = "error"
	}
	setOnce(props, "failureAction", string(r.Action))
	setOnce(props, "ruleType", string(r.Type))
	if rule.ShortDescription == nil && r.Message != "" && finding(r) {
		rule.ShortDescription = &sarifText{Text: oneLine(r.Message)}
	}
	if rule.Help == nil && r.Remediation != "" {
		rule.Help = &sarifText{Text: r.Remediation}
	}
	if sev := reportSeverity(r.Severity); sev != "" && props["severity"] == nil {
		props["severity"] = sev
		props["security-severity"] = sarifSecuritySeverity[sev]
	}
	if r.Category != "" && props["category"] == nil {
		props["category"] = r.Category
		props["tags"] = []string{r.Category}
	}
}

func setOnce(props map[string]any, key, value string) {
	if _, ok := props[key]; !ok && value != "" {
		props[key] = value
	}
}

func sarifResultFor(r Result, ruleIndex int) sarifResult {
	msg := r.Message
	if msg == "" {
		msg = fmt.Sprintf("%s %s", r.RuleKey(), r.Status)
	}
	if r.Path != "" {
		msg += " (" + r.Path + ")"
	}
	if r.Expression != "" {
		msg += " (" + oneLine(r.Expression) + ")"
	}
	res := r.Resource
	loc := sarifLocation{LogicalLocations: []sarifLogicalLocation{{
		Name:               res.Name,
		FullyQualifiedName: resourceFQN(res),
		Kind:               "object",
	}}}
	if res.Source != "" {
		loc.PhysicalLocation = &sarifPhysicalLocation{
			ArtifactLocation: sarifArtifactLocation{URI: (&url.URL{Path: res.Source}).String()},
		}
	}
	props := map[string]any{
		"status":        string(r.Status),
		"documentIndex": res.Index,
		"apiVersion":    res.APIVersion,
		"kind":          res.Kind,
		"name":          res.Name,
	}
	if res.Item >= 0 {
		props["item"] = res.Item
	}
	if res.Namespace != "" {
		props["namespace"] = res.Namespace
	}
	if r.Action != "" {
		props["failureAction"] = string(r.Action)
	}
	if r.Path != "" {
		props["path"] = r.Path
	}
	if r.Control != "" {
		props["control"] = r.Control
	}
	if r.Expression != "" {
		props["expression"] = r.Expression
		props["validationIndex"] = r.ValidationIndex
	}
	if r.Binding != "" {
		props["binding"] = r.Binding
	}
	out := sarifResult{
		RuleID:              r.RuleKey(),
		RuleIndex:           ruleIndex,
		Level:               sarifLevel(r),
		Message:             sarifText{Text: msg},
		Locations:           []sarifLocation{loc},
		PartialFingerprints: map[string]string{sarifFingerprint: fingerprint(r)},
		Properties:          props,
	}
	if r.Status == StatusSkip && r.Exception != "" {
		out.Suppressions = []sarifSuppression{{
			Kind:          "external",
			Justification: "PolicyException " + r.Exception,
		}}
	}
	return out
}

// resourceFQN is "apiVersion/Kind/namespace/name", without the namespace
// for cluster-scoped resources.
func resourceFQN(res Resource) string {
	parts := []string{res.APIVersion, res.Kind}
	if res.Namespace != "" {
		parts = append(parts, res.Namespace)
	}
	return strings.Join(append(parts, res.Name), "/")
}

func fingerprint(r Result) string {
	parts := []string{resourceFQN(r.Resource), r.RuleKey(), r.Path}
	if r.Expression != "" {
		// A CEL rule has no failing field: which of its validations
		// failed tells one finding from another.
		parts = append(parts, r.Expression)
	}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:16])
}
