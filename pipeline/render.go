package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/report"
)

// Render reads manifests from in, applies the policies and writes the result
// to out. Diagnostics go to ch. On any failure nothing is written to out.
func Render(ctx context.Context, o Options, in io.Reader, out io.Writer, ch *Channels) error {
	if err := o.check(); err != nil {
		return err
	}
	input, err := ReadStream(in)
	if err != nil {
		return fmt.Errorf("reading input: %w", err)
	}
	if o.BoundMemory {
		BoundMemory(len(input))
	}
	p, err := New(o)
	if err != nil {
		return err
	}
	res, err := p.Render(ctx, input)
	if err != nil {
		return err
	}
	if err := p.Conclude(res, ch); err != nil {
		return err
	}
	if err := writeOutput(out, res, o.Diff); err != nil {
		return err
	}
	p.Succeed(res, ch)
	return nil
}

// writeOutput writes the rendered stream, or the diff of its mutations.
func writeOutput(out io.Writer, res *transform.Output, diff bool) error {
	if !diff {
		// Every document is encoded before the first byte goes out: past
		// that, only the output can fail (a *stream.WriteError).
		_, err := res.WriteTo(out)
		return err
	}
	var buf bytes.Buffer
	if err := writeDiff(&buf, res); err != nil {
		return err
	}
	if _, err := out.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return nil
}

// MemoryBudget is what a render of size bytes of manifests may hold: four
// times the stream plus 50 MB, the budget preadmit holds itself to.
func MemoryBudget(size int) int64 { return 4*int64(size) + 50_000_000 }

// MemoryLimit is the soft memory limit a render of size bytes runs under:
// a tenth below MemoryBudget, since the runtime can overshoot a soft limit
// a little while it collects.
func MemoryLimit(size int) int64 { return MemoryBudget(size) / 10 * 9 }

// BoundMemory sets the Go runtime's soft memory limit to MemoryLimit,
// unless GOMEMLIMIT sets one already. The garbage collector then works
// harder near the budget instead of letting the heap grow to twice what is
// live; the limit is soft, so a render that needs more still gets it.
func BoundMemory(size int) {
	if _, set := os.LookupEnv("GOMEMLIMIT"); set {
		return
	}
	debug.SetMemoryLimit(MemoryLimit(size))
}

// ReadStream reads the whole stream: into a buffer of the file's size when
// stdin is a file, so that the stream is held once, without slack.
func ReadStream(in io.Reader) ([]byte, error) {
	if f, ok := in.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode().IsRegular() && fi.Size() > 0 {
			buf := bytes.NewBuffer(make([]byte, 0, fi.Size()+bytes.MinRead))
			_, err := buf.ReadFrom(f)
			return buf.Bytes(), err
		}
	}
	return io.ReadAll(in)
}

// MaxFindings is how many findings a successful render prints on stderr;
// the rest are counted in a last line that points to the report file.
const MaxFindings = 10

// findings formats the lines a person must read, in stream order: on
// failure every Enforce violation, with warnings and rule errors; on
// success Audit failures (unless quiet), warnings and rule errors, the
// first MaxFindings of them, then one line saying how many more there are
// and where (more). Audit lines are one line each; violations and
// warnings carry their fix.
func findings(results []report.Result, failed, quiet bool, more string) string {
	var b strings.Builder
	shown, hidden := 0, 0
	for _, r := range results {
		show := false
		switch {
		case r.Violation():
			show = failed
		case r.Warning(), r.Status == report.StatusError:
			show = true
		case r.Status == report.StatusFail && r.Action == report.ActionAudit:
			show = !failed && !quiet
		}
		if !show {
			continue
		}
		if !failed && shown == MaxFindings {
			hidden++
			continue
		}
		shown++
		b.WriteString(report.Line(r))
		b.WriteByte('\n')
		if r.Remediation != "" && (r.Violation() || r.Warning()) {
			lines := strings.Split(strings.TrimRight(r.Remediation, "\n"), "\n")
			b.WriteString("  fix: " + lines[0] + "\n")
			for _, l := range lines[1:] {
				b.WriteString("       " + l + "\n")
			}
		}
	}
	if hidden > 0 {
		fmt.Fprintf(&b, "and %d more — %s\n", hidden, more)
	}
	return b.String()
}

// moreHint says where the findings past MaxFindings are: the report file,
// or the flag that writes one.
func moreHint(reportFile string) string {
	if reportFile != "" {
		return "see " + reportFile
	}
	return "use --report-file FILE"
}

func summaryLine(res *transform.Output) string {
	return res.Totals.String()
}
