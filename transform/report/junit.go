package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

// JUnit writes JUnit XML for CI systems: one <testsuite> per policy (in
// policy order), one <testcase> per rule and resource. A failure becomes
// <failure> (type is the failure action), an error <error>, a skip
// <skipped>. JUnit has no warnings: a warn result is a passing test case
// whose <system-out> carries the warning.
type JUnit struct {
	buffer
	w    io.Writer
	opts Options
}

var _ Writer = (*JUnit)(nil)

// NewJUnit returns a JUnit writer.
func NewJUnit(w io.Writer, opts Options) *JUnit {
	return &JUnit{w: w, opts: opts}
}

// JUnitTestSuites is the document root.
type JUnitTestSuites struct {
	XMLName  xml.Name         `xml:"testsuites"`
	Name     string           `xml:"name,attr"`
	Tests    int              `xml:"tests,attr"`
	Failures int              `xml:"failures,attr"`
	Errors   int              `xml:"errors,attr"`
	Skipped  int              `xml:"skipped,attr"`
	Time     string           `xml:"time,attr"`
	Suites   []JUnitTestSuite `xml:"testsuite"`
}

// JUnitTestSuite holds the test cases of one policy.
type JUnitTestSuite struct {
	Name       string          `xml:"name,attr"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr"`
	Properties []JUnitProperty `xml:"properties>property,omitempty"`
	Cases      []JUnitTestCase `xml:"testcase"`
}

// JUnitProperty is a name/value pair of a suite.
type JUnitProperty struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value,attr"`
}

// JUnitTestCase is one rule on one resource.
type JUnitTestCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Time      string        `xml:"time,attr"`
	File      string        `xml:"file,attr,omitempty"`
	Failure   *JUnitMessage `xml:"failure,omitempty"`
	Error     *JUnitMessage `xml:"error,omitempty"`
	Skipped   *JUnitMessage `xml:"skipped,omitempty"`
	SystemOut *JUnitOutput  `xml:"system-out,omitempty"`
}

// JUnitMessage is the body of <failure>, <error> and <skipped>.
type JUnitMessage struct {
	Message string `xml:"message,attr,omitempty"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",cdata"`
}

// JUnitOutput is the body of <system-out>.
type JUnitOutput struct {
	Text string `xml:",cdata"`
}

// Flush writes the buffered results as one JUnit document.
func (j *JUnit) Flush() error {
	results := j.take()
	// Suites go in policy order; cases inside a suite keep Sort order.
	slices.SortStableFunc(results, func(a, b Result) int {
		return strings.Compare(a.PolicyKey(), b.PolicyKey())
	})
	stamp := j.opts.now().UTC().Format(time.RFC3339)
	doc := JUnitTestSuites{Name: ToolName, Time: "0"}
	for _, r := range results {
		n := len(doc.Suites)
		if n == 0 || doc.Suites[n-1].Name != r.PolicyKey() {
			doc.Suites = append(doc.Suites, JUnitTestSuite{
				Name:       r.PolicyKey(),
				Time:       "0",
				Timestamp:  stamp,
				Properties: []JUnitProperty{{Name: "preadmit.version", Value: j.opts.toolVersion()}},
			})
			n++
		}
		suite := &doc.Suites[n-1]
		tc := junitCase(r)
		suite.Tests++
		switch {
		case tc.Failure != nil:
			suite.Failures++
		case tc.Error != nil:
			suite.Errors++
		case tc.Skipped != nil:
			suite.Skipped++
		}
		suite.Cases = append(suite.Cases, tc)
	}
	for _, s := range doc.Suites {
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Skipped += s.Skipped
	}
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("write %s report: %w", FormatJUnit, err)
	}
	if _, err := fmt.Fprintf(j.w, "%s%s\n", xml.Header, out); err != nil {
		return fmt.Errorf("write %s report: %w", FormatJUnit, err)
	}
	return nil
}

func junitCase(r Result) JUnitTestCase {
	tc := JUnitTestCase{
		Name:      fmt.Sprintf("%s %s %s", r.Rule, r.Resource.Location(), r.Resource.Ref()),
		Classname: r.PolicyKey(),
		Time:      "0",
		File:      r.Resource.Source,
	}
	detail := junitDetail(r)
	switch r.Status {
	case StatusFail:
		tc.Failure = &JUnitMessage{Message: oneLine(r.Message), Type: string(r.Action), Text: detail}
	case StatusError:
		tc.Error = &JUnitMessage{Message: oneLine(r.Message), Text: detail}
	case StatusSkip:
		msg := oneLine(r.Message)
		if r.Exception != "" {
			msg = "PolicyException " + r.Exception
		}
		tc.Skipped = &JUnitMessage{Message: msg}
	case StatusWarn:
		tc.SystemOut = &JUnitOutput{Text: detail}
	case StatusPass:
	}
	return tc
}

// junitDetail is the text of a failure: the Lines line and the fix.
func junitDetail(r Result) string {
	var b strings.Builder
	b.WriteString(Line(r))
	if r.Remediation != "" {
		b.WriteString("\nfix:\n")
		b.WriteString(strings.TrimRight(r.Remediation, "\n"))
	}
	return b.String()
}
