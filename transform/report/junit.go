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

// JUnitTestSuites is the document root. It is the one JUnit model: the
// report writer and `preadmit test --junit` both fill it, with Add, and
// write it with WriteJUnit.
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

// JUnitTestSuite holds the test cases of one policy (of one test file, for
// `preadmit test`, which names the file).
type JUnitTestSuite struct {
	Name       string          `xml:"name,attr"`
	File       string          `xml:"file,attr,omitempty"`
	Tests      int             `xml:"tests,attr"`
	Failures   int             `xml:"failures,attr"`
	Errors     int             `xml:"errors,attr"`
	Skipped    int             `xml:"skipped,attr"`
	Time       string          `xml:"time,attr"`
	Timestamp  string          `xml:"timestamp,attr,omitempty"`
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

// Add appends a test case and counts it as a failure, an error or a skip.
func (s *JUnitTestSuite) Add(tc JUnitTestCase) {
	s.Tests++
	switch {
	case tc.Failure != nil:
		s.Failures++
	case tc.Error != nil:
		s.Errors++
	case tc.Skipped != nil:
		s.Skipped++
	}
	s.Cases = append(s.Cases, tc)
}

// Add appends a suite and adds its counts to the document's.
func (d *JUnitTestSuites) Add(s JUnitTestSuite) {
	d.Tests += s.Tests
	d.Failures += s.Failures
	d.Errors += s.Errors
	d.Skipped += s.Skipped
	d.Suites = append(d.Suites, s)
}

// WriteJUnit writes doc as an indented XML document with its header.
func WriteJUnit(w io.Writer, doc JUnitTestSuites) error {
	out, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s%s\n", xml.Header, out)
	return err
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
	var suite *JUnitTestSuite
	for _, r := range results {
		if suite == nil || suite.Name != r.PolicyKey() {
			if suite != nil {
				doc.Add(*suite)
			}
			suite = &JUnitTestSuite{
				Name:       r.PolicyKey(),
				Time:       "0",
				Timestamp:  stamp,
				Properties: []JUnitProperty{{Name: "preadmit.version", Value: j.opts.toolVersion()}},
			}
		}
		suite.Add(junitCase(r))
	}
	if suite != nil {
		doc.Add(*suite)
	}
	if err := WriteJUnit(j.w, doc); err != nil {
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
