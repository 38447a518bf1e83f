package report

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Lines writes one line per finding, the format preadmit prints on stderr
// and Helm shows verbatim when a post-renderer fails:
//
//	doc 3 Deployment shop/web (source: chart/templates/deploy.yaml): disallow-latest-tag/validate-image-tag: an image tag is required (spec.template.spec.containers[0].image)
//	  fix: set image to a pinned tag, e.g. nginx:1.27
//	doc 5 Job shop/migrate (hook pre-install, source: chart/templates/migrate.yaml): …
//
// Enforce failures have no prefix; Warn failures and warn results start with
// "warning: ", Audit failures with "audit: ", errors with "error: ". Pass and
// skip results are printed (as "pass: ", "skip: ") only with Options.Verbose.
type Lines struct {
	buffer
	w    io.Writer
	opts Options
}

var _ Writer = (*Lines)(nil)

// NewLines returns a Lines writer.
func NewLines(w io.Writer, opts Options) *Lines {
	return &Lines{w: w, opts: opts}
}

// Flush writes the buffered results.
func (l *Lines) Flush() error {
	results := l.take()
	bw := bufio.NewWriter(l.w)
	for _, r := range results {
		if !l.opts.Verbose && !finding(r) {
			continue
		}
		writeLine(bw, r)
	}
	if l.opts.Summary {
		fmt.Fprintln(bw, Tally(results, l.opts.Resources))
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s report: %w", FormatLines, err)
	}
	return nil
}

// Line formats one result as Lines prints it, without the fix hint.
func Line(r Result) string {
	var b strings.Builder
	b.WriteString(linePrefix(r))
	b.WriteString(r.Resource.Location())
	b.WriteByte(' ')
	b.WriteString(r.Resource.Ref())
	if o := r.Resource.Origin(); o != "" {
		fmt.Fprintf(&b, " (%s)", o)
	}
	fmt.Fprintf(&b, ": %s", r.RuleKey())
	if msg := oneLine(r.Message); msg != "" {
		b.WriteString(": ")
		b.WriteString(msg)
	}
	if r.Path != "" {
		fmt.Fprintf(&b, " (%s)", r.Path)
	}
	if r.Expression != "" {
		fmt.Fprintf(&b, " (%s)", oneLine(r.Expression))
	}
	if r.Exception != "" {
		fmt.Fprintf(&b, " (exception %s)", r.Exception)
	}
	if r.Blocking {
		b.WriteString(" (the rule could not be evaluated, so the render fails closed; the policy's failurePolicy: Ignore, or --mode audit, lets it pass)")
	}
	return b.String()
}

func writeLine(w io.Writer, r Result) {
	fmt.Fprintln(w, Line(r))
	if r.Remediation == "" || !finding(r) {
		return
	}
	hint := strings.Split(strings.TrimRight(r.Remediation, "\n"), "\n")
	fmt.Fprintf(w, "  fix: %s\n", hint[0])
	for _, h := range hint[1:] {
		fmt.Fprintf(w, "       %s\n", h)
	}
}

// finding reports whether the result is something to look at: a failure,
// a warning or an error.
func finding(r Result) bool {
	switch r.Status {
	case StatusFail, StatusWarn, StatusError:
		return true
	case StatusPass, StatusSkip:
		return false
	}
	return true
}

func linePrefix(r Result) string {
	switch {
	case r.Warning():
		return "warning: "
	case r.Status == StatusFail && r.Action == ActionAudit:
		return "audit: "
	case r.Status == StatusFail:
		return ""
	case r.Status == StatusError:
		return "error: "
	}
	return string(r.Status) + ": "
}

// Location is "doc N", or "doc N item M" for an item of a List document;
// both count from 0 like Index and Item.
func (r Resource) Location() string {
	if r.Item >= 0 {
		return fmt.Sprintf("doc %d item %d", r.Index, r.Item)
	}
	return fmt.Sprintf("doc %d", r.Index)
}

// Ref is "Kind namespace/name", or "Kind name" for a cluster-scoped
// resource; a resource without a name says so.
func (r Resource) Ref() string {
	name := r.Name
	if name == "" {
		name = "(no name)"
	}
	if r.Namespace == "" {
		return r.Kind + " " + name
	}
	return r.Kind + " " + r.Namespace + "/" + name
}

// Origin is where the resource comes from, as Lines and Table print it in
// parentheses: the Helm hook it is and its template, e.g. "hook pre-install,
// source: chart/templates/migrate.yaml"; "" when neither is known.
func (r Resource) Origin() string {
	var parts []string
	if r.Hook != "" {
		parts = append(parts, "hook "+r.Hook)
	}
	if r.Source != "" {
		parts = append(parts, "source: "+r.Source)
	}
	return strings.Join(parts, ", ")
}

// oneLine joins a multi-line message so that each finding stays one line.
func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}
