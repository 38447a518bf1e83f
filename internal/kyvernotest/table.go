package kyvernotest

import (
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// WriteTable writes rows as "kyverno test" draws them: ID, POLICY, RULE,
// RESOURCE, RESULT, REASON, and MESSAGE when detailed.
func WriteTable(w io.Writer, rows []Row, detailed bool) error {
	head := []string{"ID", "POLICY", "RULE", "RESOURCE", "RESULT", "REASON"}
	if detailed {
		head = append(head, "MESSAGE")
	}
	cells := make([][]string, 0, len(rows))
	for _, r := range rows {
		c := []string{strconv.Itoa(r.ID), r.Policy, r.Rule, r.Resource, string(r.Outcome), r.Reason}
		if detailed {
			c = append(c, r.Message)
		}
		for i := range c {
			c[i] = oneLine(c[i])
		}
		cells = append(cells, c)
	}
	width := make([]int, len(head))
	for i, h := range head {
		width[i] = utf8.RuneCountInString(h)
	}
	for _, c := range cells {
		for i, x := range c {
			width[i] = max(width[i], utf8.RuneCountInString(x))
		}
	}
	var b strings.Builder
	rule := func(l, m, r string) {
		b.WriteString(l)
		for i, wd := range width {
			if i > 0 {
				b.WriteString(m)
			}
			b.WriteString(strings.Repeat("─", wd+2))
		}
		b.WriteString(r + "\n")
	}
	line := func(c []string, rightFirst bool) {
		for i, x := range c {
			pad := strings.Repeat(" ", width[i]-utf8.RuneCountInString(x))
			if i == 0 && rightFirst {
				x = pad + x
			} else {
				x += pad
			}
			b.WriteString("│ " + x + " ")
		}
		b.WriteString("│\n")
	}
	rule("┌", "┬", "┐")
	line(head, false)
	rule("├", "┼", "┤")
	for _, c := range cells {
		line(c, true)
	}
	rule("└", "┴", "┘")
	_, err := io.WriteString(w, b.String())
	return err
}

func oneLine(s string) string {
	return strings.Join(strings.Fields(s), " ")
}

// TextOptions control WriteText.
type TextOptions struct {
	// Detailed adds the MESSAGE column.
	Detailed bool
	// FailOnly prints only the failed rows, once, at the end.
	FailOnly bool
}

// WriteText writes the human report: per test file what was loaded and
// its table, then the summary line and, when some failed, the failed rows
// again (as "kyverno test" does).
func WriteText(w io.Writer, suites []*Suite, o TextOptions) error {
	var b strings.Builder
	var failed []Row
	for _, s := range suites {
		fmt.Fprintf(&b, "Loading test %s ( %s ) ...\n", s.Name, s.Path)
		for _, n := range s.Notes {
			fmt.Fprintf(&b, "  Note: %s\n", n)
		}
		var notOK []Row
		for _, r := range s.Rows {
			if r.Outcome == OutcomeFail || r.Outcome == OutcomeUnsupported {
				notOK = append(notOK, r)
			}
		}
		failed = append(failed, notOK...)
		if !o.FailOnly && len(s.Rows) > 0 {
			b.WriteString("\n")
			if err := WriteTable(&b, s.Rows, o.Detailed); err != nil {
				return err
			}
		}
		writeDiffs(&b, notOK)
		b.WriteString("\n")
	}
	sum := Summarize(suites)
	b.WriteString(SummaryLine(sum, o.FailOnly) + "\n")
	if len(failed) > 0 {
		for i := range failed {
			failed[i].ID = i + 1
		}
		b.WriteString("\nAggregated Failed Test Cases :\n")
		if err := WriteTable(&b, failed, o.Detailed); err != nil {
			return err
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func writeDiffs(b *strings.Builder, rows []Row) {
	for _, r := range rows {
		if r.Diff == "" {
			continue
		}
		fmt.Fprintf(b, "\n  %d %s %s %s: patched resource differs (- expected only, + output only, ~ both):\n", r.ID, r.Policy, r.Rule, r.Resource)
		for _, l := range strings.Split(r.Diff, "\n") {
			b.WriteString("    " + l + "\n")
		}
	}
}

// SummaryLine is Kyverno's "Test Summary: N tests passed and N tests
// failed" (skips that passed count as passed, as in Kyverno), followed by
// the rows preadmit did not check. With failOnly it is Kyverno's "N out of
// M tests failed".
func SummaryLine(s Summary, failOnly bool) string {
	line := fmt.Sprintf("Test Summary: %d tests passed and %d tests failed", s.Passed, s.Failed)
	if failOnly {
		line = fmt.Sprintf("Test Summary: %d out of %d tests failed", s.Failed, s.Total())
	}
	if s.Skipped > 0 || s.Unsupported > 0 {
		line += fmt.Sprintf(" (not checked: %d skipped, %d unsupported)", s.Skipped, s.Unsupported)
	}
	return line
}
