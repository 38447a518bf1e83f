package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

// Pipeline is the shared path of every way preadmit runs (render, the Helm
// wrappers, the in-process Helm post-renderer): the policies loaded and
// compiled once, the settings checked, ready to render streams. It writes
// nothing; Conclude and Succeed report an Output the way render does.
type Pipeline struct {
	opts   RenderOptions
	format report.Format
	eng    *transform.Engine
	// notes name the policies read but not applied.
	notes string
}

// NewPipeline checks the settings, loads the policies and compiles them.
// Errors are *ExitErr values with ExitError.
func NewPipeline(o RenderOptions) (*Pipeline, error) {
	format := report.FormatLines
	if o.ReportFormat != "" {
		var err error
		if format, err = report.ParseFormat(o.ReportFormat); err != nil {
			return nil, &ExitErr{Code: ExitError, Err: err}
		}
	}
	eng, set, err := newEngine(EngineOptions{
		Policies: o.Policies, Exceptions: o.Exceptions, Mode: o.Mode, Namespace: o.Namespace,
		Registry: o.Registry, Values: o.Values, Variables: o.Variables,
		// The diff reads the trees; a report file and AllResults want
		// every result.
		Compact: !o.Diff, FindingsOnly: o.ReportFile == "" && !o.AllResults,
	})
	if err != nil {
		return nil, err
	}
	return &Pipeline{opts: o, format: format, eng: eng, notes: notApplied(set)}, nil
}

// Render runs the policies over one stream. The results come sorted.
func (p *Pipeline) Render(ctx context.Context, input []byte) (*transform.Output, error) {
	if err := ctx.Err(); err != nil {
		return nil, &ExitErr{Code: ExitError, Err: err}
	}
	res, err := p.eng.Render(input)
	if err != nil {
		return nil, classify(err)
	}
	report.Sort(res.Results)
	return res, nil
}

// Conclude writes the report file, if one is asked for, and decides: with
// a violation of a rule in Enforce it writes the failure report to ch and
// returns an *ExitErr with ExitViolation; otherwise nil, and the caller
// writes its output, then calls Succeed.
func (p *Pipeline) Conclude(res *transform.Output, ch *Channels) error {
	if p.opts.ReportFile != "" {
		ropts := report.Options{Resources: res.Resources, ToolVersion: p.opts.Version}
		if err := writeReportFile(p.opts.ReportFile, ch.Stderr, p.format, res.Results, ropts); err != nil {
			return &ExitErr{Code: ExitError, Err: err}
		}
	}
	if v := res.Violations(); len(v) > 0 {
		ch.Failure(p.notes + FailureReport(res))
		return &ExitErr{Code: ExitViolation, Reported: true,
			Err: fmt.Errorf("%d violation(s) of policies in Enforce: nothing was rendered", len(v))}
	}
	return nil
}

// Succeed writes what a person reads after a successful render: the first
// Audit failures (unless quiet), warnings and rule errors, and the summary
// line (unless quiet and there is nothing else).
func (p *Pipeline) Succeed(res *transform.Output, ch *Channels) {
	text := p.notes + findings(res.Results, false, p.opts.Quiet, moreHint(p.opts.ReportFile))
	if !p.opts.Quiet || text != "" {
		text += summaryLine(res) + "\n"
	}
	ch.Success(text)
}

// FailureReport is the text of a failed render: one line per violation
// (with its fix), warnings and rule errors, then the summary line.
func FailureReport(res *transform.Output) string {
	return findings(res.Results, true, false, "") + summaryLine(res) + "\n"
}

// notApplied is the report's lines for the policies read but not applied.
func notApplied(set *policy.Set) string {
	var b strings.Builder
	for _, n := range set.NotApplied {
		b.WriteString(n.String())
		b.WriteByte('\n')
	}
	return b.String()
}
