package kyvernotest

import (
	"fmt"
	"io"

	"github.com/preadmit/preadmit/transform/report"
)

// WriteJUnit writes one testsuite per test file and one testcase per row,
// in report's JUnit model. Unsupported rows are failures (they fail the
// run), skipped rows skipped.
func WriteJUnit(w io.Writer, suites []*Suite) error {
	doc := report.JUnitTestSuites{Name: "preadmit test", Time: "0"}
	for _, s := range suites {
		js := report.JUnitTestSuite{Name: s.Name, File: s.Path, Time: "0"}
		for _, r := range s.Rows {
			c := report.JUnitTestCase{Name: fmt.Sprintf("%s/%s/%s", r.Policy, r.Rule, r.Resource), Classname: s.Name, Time: "0"}
			text := r.Message
			if r.Diff != "" {
				text += "\n" + r.Diff
			}
			switch r.Outcome {
			case OutcomeFail:
				c.Failure = &report.JUnitMessage{Message: r.Reason, Type: "fail", Text: text}
			case OutcomeUnsupported:
				c.Failure = &report.JUnitMessage{Message: r.Reason, Type: "unsupported", Text: text}
			case OutcomeSkip:
				c.Skipped = &report.JUnitMessage{Message: r.Reason + ": " + r.Message}
			case OutcomePass:
			}
			js.Add(c)
		}
		doc.Add(js)
	}
	return report.WriteJUnit(w, doc)
}
