package report

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Writer receives results one at a time and writes the report on Flush.
// Every format buffers: the output is sorted (see Sort) so that it does not
// depend on the order the engine produced results in. Flush writes what was
// received since the last Flush and empties the buffer.
type Writer interface {
	Write(Result) error
	Flush() error
}

// Format names a report format.
type Format string

// The report formats.
const (
	FormatLines        Format = "lines"
	FormatTable        Format = "table"
	FormatJSON         Format = "json"
	FormatPolicyReport Format = "policyreport"
	FormatSARIF        Format = "sarif"
	FormatJUnit        Format = "junit"
)

// Formats lists the formats in the order help texts show them.
func Formats() []Format {
	return []Format{FormatLines, FormatTable, FormatJSON, FormatPolicyReport, FormatSARIF, FormatJUnit}
}

// UnknownFormatError is returned by ParseFormat and New for a name that is
// not a format.
type UnknownFormatError struct {
	Name string
}

func (e *UnknownFormatError) Error() string {
	names := make([]string, 0, len(Formats()))
	for _, f := range Formats() {
		names = append(names, string(f))
	}
	return fmt.Sprintf("unknown report format %q (want one of %s)", e.Name, strings.Join(names, ", "))
}

// ParseFormat returns the format with the given name. Names are matched
// case-insensitively, so "SARIF" and "JUnit" work too.
func ParseFormat(name string) (Format, error) {
	want := strings.ToLower(strings.TrimSpace(name))
	for _, f := range Formats() {
		if string(f) == want {
			return f, nil
		}
	}
	return "", &UnknownFormatError{Name: name}
}

// String returns the format's name.
func (f Format) String() string { return string(f) }

// Options tune the writers. The zero value is ready to use.
type Options struct {
	// Now is the clock stamped into PolicyReport results, SARIF invocations
	// and the JSON report. Nil means time.Now; tests pin it.
	Now func() time.Time
	// ToolVersion is preadmit's version, written into JSON, SARIF and JUnit.
	// Empty means "dev".
	ToolVersion string
	// Resources is the number of resources the render processed, including
	// those no rule matched. Zero means: count the resources seen in results.
	Resources int
	// Verbose makes lines and table print pass and skip results as well.
	Verbose bool
	// Summary makes lines end with the one-line summary (see Summary).
	Summary bool
	// PolicyReportSource is the "source" of every PolicyReport result.
	// Empty means SourcePreadmit; set SourceKyverno for dashboards that only
	// know Kyverno's source (see docs/deviations/report.md).
	PolicyReportSource string
	// PolicyReportName is metadata.name of every PolicyReport and of the
	// ClusterPolicyReport. Empty means "preadmit".
	PolicyReportName string
}

func (o Options) now() time.Time {
	if o.Now == nil {
		return time.Now()
	}
	return o.Now()
}

func (o Options) toolVersion() string {
	if o.ToolVersion == "" {
		return "dev"
	}
	return o.ToolVersion
}

// ToolName is the name preadmit reports itself under.
const ToolName = "preadmit"

// New returns a writer of the given format that writes to w.
func New(format Format, w io.Writer, opts Options) (Writer, error) {
	switch format {
	case FormatLines:
		return NewLines(w, opts), nil
	case FormatTable:
		return NewTable(w, opts), nil
	case FormatJSON:
		return NewJSON(w, opts), nil
	case FormatPolicyReport:
		return NewPolicyReport(w, opts), nil
	case FormatSARIF:
		return NewSARIF(w, opts), nil
	case FormatJUnit:
		return NewJUnit(w, opts), nil
	}
	return nil, &UnknownFormatError{Name: string(format)}
}

// buffer is the part every writer shares: it collects results and hands
// them out sorted.
type buffer struct {
	results []Result
}

func (b *buffer) Write(r Result) error {
	b.results = append(b.results, r)
	return nil
}

// take returns the sorted results and empties the buffer.
func (b *buffer) take() []Result {
	rs := b.results
	b.results = nil
	Sort(rs)
	return rs
}
