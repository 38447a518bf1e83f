package kyvernotest

import (
	"encoding/xml"
	"fmt"
	"io"
)

type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Name     string       `xml:"name,attr"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Skipped  int          `xml:"skipped,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name     string      `xml:"name,attr"`
	File     string      `xml:"file,attr"`
	Tests    int         `xml:"tests,attr"`
	Failures int         `xml:"failures,attr"`
	Skipped  int         `xml:"skipped,attr"`
	Cases    []junitCase `xml:"testcase"`
}

type junitCase struct {
	Name      string        `xml:"name,attr"`
	Classname string        `xml:"classname,attr"`
	Failure   *junitMessage `xml:"failure,omitempty"`
	Skipped   *junitMessage `xml:"skipped,omitempty"`
}

type junitMessage struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr,omitempty"`
	Text    string `xml:",chardata"`
}

// WriteJUnit writes one testsuite per test file and one testcase per row.
// Unsupported rows are failures (they fail the run), skipped rows skipped.
func WriteJUnit(w io.Writer, suites []*Suite) error {
	doc := junitSuites{Name: "preadmit test"}
	for _, s := range suites {
		js := junitSuite{Name: s.Name, File: s.Path}
		for _, r := range s.Rows {
			c := junitCase{Name: fmt.Sprintf("%s/%s/%s", r.Policy, r.Rule, r.Resource), Classname: s.Name}
			text := r.Message
			if r.Diff != "" {
				text += "\n" + r.Diff
			}
			switch r.Outcome {
			case OutcomeFail:
				c.Failure = &junitMessage{Message: r.Reason, Type: "fail", Text: text}
				js.Failures++
			case OutcomeUnsupported:
				c.Failure = &junitMessage{Message: r.Reason, Type: "unsupported", Text: text}
				js.Failures++
			case OutcomeSkip:
				c.Skipped = &junitMessage{Message: r.Reason + ": " + r.Message}
				js.Skipped++
			case OutcomePass:
			}
			js.Cases = append(js.Cases, c)
			js.Tests++
		}
		doc.Tests += js.Tests
		doc.Failures += js.Failures
		doc.Skipped += js.Skipped
		doc.Suites = append(doc.Suites, js)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return err
	}
	_, err := io.WriteString(w, "\n")
	return err
}
