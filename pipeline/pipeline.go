package pipeline

import (
	"context"
	"strings"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

// Pipeline is the shared path of every way preadmit runs (render, the Helm
// wrappers, the in-process Helm post-renderer, the Flux export): the
// policies loaded and compiled once, the settings checked, ready to render
// streams. It writes nothing; Conclude and Succeed report an Output the way
// render does.
type Pipeline struct {
	opts Options
	eng  *transform.Engine
	set  *policy.Set
	// notes name the policies read but not applied.
	notes string
}

// New checks the settings, loads the policies, exceptions and values, and
// compiles them.
func New(o Options) (*Pipeline, error) {
	eng, set, err := newEngine(o, engineMode{
		// The diff reads the trees; a report file and AllResults want
		// every result.
		compact: !o.Diff && !o.KeepTrees, findingsOnly: o.Report.File == "" && !o.Report.AllResults,
	})
	if err != nil {
		return nil, err
	}
	if o.Report.Format == "" {
		o.Report.Format = report.FormatLines
	}
	return &Pipeline{opts: o, eng: eng, set: set, notes: notApplied(set)}, nil
}

// Policies are the policies the pipeline applies, in order.
func (p *Pipeline) Policies() []*policy.Policy { return p.set.Policies }

// Render runs the policies over one stream. The results come sorted. A
// violation is not an error here: Conclude decides on it.
func (p *Pipeline) Render(ctx context.Context, input []byte) (*transform.Output, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	res, err := p.eng.Render(input)
	if err != nil {
		return nil, err
	}
	report.Sort(res.Results)
	return res, nil
}

// Conclude writes the report file, if one is asked for, and decides: with
// a violation of a rule in Enforce it writes the failure report to ch and
// returns a *ViolationError; otherwise nil, and the caller writes its
// output, then calls Succeed.
func (p *Pipeline) Conclude(res *transform.Output, ch *Channels) error {
	if p.opts.Report.File != "" {
		ropts := report.Options{Resources: res.Resources, ToolVersion: p.opts.Report.ToolVersion}
		if err := WriteReportFile(p.opts.Report.File, ch.Stderr, p.opts.Report.Format, res.Results, ropts); err != nil {
			return err
		}
	}
	if v := Violations(res, "nothing was rendered"); v != nil {
		v.Report = p.notes + v.Report
		ch.Failure(v.Report)
		return v
	}
	return nil
}

// Succeed writes what a person reads after a successful render: the first
// Audit failures (unless quiet), warnings and rule errors, and the summary
// line (unless quiet and there is nothing else).
func (p *Pipeline) Succeed(res *transform.Output, ch *Channels) {
	ch.Success(SuccessReport(res, p.notes, p.opts.Report.Quiet, moreHint(p.opts.Report.File)))
}

// Violations is the *ViolationError of a render with violations of rules
// in Enforce, its Report the text of a failed render; nil without.
// consequence says what they stopped.
func Violations(res *transform.Output, consequence string) *ViolationError {
	v := res.Violations()
	if len(v) == 0 {
		return nil
	}
	return &ViolationError{Violations: v, Report: FailureReport(res), Consequence: consequence}
}

// FailureReport is the text of a failed render: one line per violation
// (with its fix), warnings and rule errors, then the summary line.
func FailureReport(res *transform.Output) string {
	return findings(res.Results, true, false, "") + summaryLine(res) + "\n"
}

// SuccessReport is the text of a successful render, after notes: the
// first MaxFindings Audit failures (unless quiet), warnings and rule
// errors, then a line saying where the rest are (more), and the summary
// line (unless quiet and there is nothing else).
func SuccessReport(res *transform.Output, notes string, quiet bool, more string) string {
	text := notes + findings(res.Results, false, quiet, more)
	if !quiet || text != "" {
		text += summaryLine(res) + "\n"
	}
	return text
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
