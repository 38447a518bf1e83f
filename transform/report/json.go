package report

import (
	"encoding/json"
	"fmt"
	"io"
	"time"
)

// JSONSchemaVersion is the version of the JSON report's schema
// (docs/report-json.md, docs/schema/report.schema.json). It changes only
// when a field is removed or changes meaning; new fields keep it.
const JSONSchemaVersion = "preadmit.report/v1"

// JSONReport is the document the JSON writer emits.
type JSONReport struct {
	SchemaVersion string `json:"schemaVersion"`
	Tool          Tool   `json:"tool"`
	// GeneratedAt is Options.Now in RFC 3339 with UTC.
	GeneratedAt string   `json:"generatedAt"`
	Summary     Totals   `json:"summary"`
	Results     []Result `json:"results"`
}

// Tool names the program that wrote a report.
type Tool struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// JSON writes one JSONReport, indented, with every result (pass and skip
// included) in Sort order.
type JSON struct {
	buffer
	w    io.Writer
	opts Options
}

var _ Writer = (*JSON)(nil)

// NewJSON returns a JSON writer.
func NewJSON(w io.Writer, opts Options) *JSON {
	return &JSON{w: w, opts: opts}
}

// Flush writes the buffered results as one JSON document.
func (j *JSON) Flush() error {
	results := j.take()
	if results == nil {
		results = []Result{}
	}
	doc := JSONReport{
		SchemaVersion: JSONSchemaVersion,
		Tool:          Tool{Name: ToolName, Version: j.opts.toolVersion()},
		GeneratedAt:   j.opts.now().UTC().Format(time.RFC3339),
		Summary:       Tally(results, j.opts.Resources),
		Results:       results,
	}
	enc := json.NewEncoder(j.w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("write %s report: %w", FormatJSON, err)
	}
	return nil
}
