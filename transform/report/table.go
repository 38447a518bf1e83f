package report

import (
	"bufio"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// Table writes a report for people, in the spirit of `kubectl get polr`:
// per-namespace counts, then each finding with its remediation indented,
// then the one-line summary.
//
//	NAMESPACE   RESOURCES   PASS   FAIL   WARN   ERROR   SKIP
//	(cluster)   1           1      0      0      0       0
//	shop        2           3      1      1      0       1
//
//	FINDINGS
//	fail   doc 3   Deployment shop/web   (source: chart/templates/deploy.yaml)
//	       disallow-latest-tag/validate-image-tag   Enforce   severity high
//	       an image tag is required
//	       at spec.template.spec.containers[0].image
//	       fix:
//	         image: nginx:1.27
//
// With Options.Verbose the findings section lists pass and skip results too.
type Table struct {
	buffer
	w    io.Writer
	opts Options
}

var _ Writer = (*Table)(nil)

// NewTable returns a Table writer.
func NewTable(w io.Writer, opts Options) *Table {
	return &Table{w: w, opts: opts}
}

// clusterScope labels cluster-scoped resources in the namespace column.
const clusterScope = "(cluster)"

// Flush writes the buffered results.
func (t *Table) Flush() error {
	results := t.take()
	bw := bufio.NewWriter(t.w)
	writeNamespaceTable(bw, results)
	var shown []Result
	for _, r := range results {
		if t.opts.Verbose || finding(r) {
			shown = append(shown, r)
		}
	}
	if len(shown) > 0 {
		fmt.Fprintln(bw)
		fmt.Fprintln(bw, "FINDINGS")
		for i, r := range shown {
			if i > 0 {
				fmt.Fprintln(bw)
			}
			writeFinding(bw, r)
		}
	}
	fmt.Fprintln(bw)
	fmt.Fprintln(bw, Tally(results, t.opts.Resources))
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write %s report: %w", FormatTable, err)
	}
	return nil
}

func writeNamespaceTable(w io.Writer, results []Result) {
	type row struct {
		resources map[[2]int]bool
		Counts
	}
	rows := map[string]*row{}
	for _, r := range results {
		ns := r.Resource.Namespace
		if ns == "" {
			ns = clusterScope
		}
		if rows[ns] == nil {
			rows[ns] = &row{resources: map[[2]int]bool{}}
		}
		rows[ns].resources[[2]int{r.Resource.Index, r.Resource.Item}] = true
		rows[ns].Add(r.Status)
	}
	names := make([]string, 0, len(rows))
	for ns := range rows {
		names = append(names, ns)
	}
	// "(" sorts before letters, so the cluster row comes first.
	slices.Sort(names)
	tw := tabwriter.NewWriter(w, 0, 0, 3, ' ', 0)
	fmt.Fprintln(tw, "NAMESPACE\tRESOURCES\tPASS\tFAIL\tWARN\tERROR\tSKIP")
	for _, ns := range names {
		r := rows[ns]
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\n", ns, len(r.resources), r.Pass, r.Fail, r.Warn, r.Error, r.Skip)
	}
	_ = tw.Flush() // errors surface on the bufio.Writer's Flush
}

const findingIndent = "       "

func writeFinding(w io.Writer, r Result) {
	head := fmt.Sprintf("%-6s %s   %s", r.Status, r.Resource.Location(), r.Resource.Ref())
	if o := r.Resource.Origin(); o != "" {
		head += "   (" + o + ")"
	}
	fmt.Fprintln(w, head)
	rule := []string{r.RuleKey()}
	if r.Action != "" {
		rule = append(rule, string(r.Action))
	}
	if r.Severity != "" {
		rule = append(rule, "severity "+r.Severity)
	}
	if r.Category != "" {
		rule = append(rule, "category "+r.Category)
	}
	fmt.Fprintln(w, findingIndent+strings.Join(rule, "   "))
	if r.Message != "" {
		writeIndented(w, findingIndent, r.Message)
	}
	if r.Path != "" {
		fmt.Fprintln(w, findingIndent+"at "+r.Path)
	}
	if r.Expression != "" {
		fmt.Fprintln(w, findingIndent+"expression "+oneLine(r.Expression))
	}
	if r.Control != "" {
		fmt.Fprintln(w, findingIndent+"control "+r.Control)
	}
	if r.Exception != "" {
		fmt.Fprintln(w, findingIndent+"exception "+r.Exception)
	}
	if r.Remediation != "" && finding(r) {
		fmt.Fprintln(w, findingIndent+"fix:")
		writeIndented(w, findingIndent+"  ", r.Remediation)
	}
}

func writeIndented(w io.Writer, indent, text string) {
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		if line == "" {
			fmt.Fprintln(w)
			continue
		}
		fmt.Fprintln(w, indent+line)
	}
}
