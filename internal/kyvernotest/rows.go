package kyvernotest

// Outcome is how one expected result compared with the engine's.
type Outcome string

// The outcomes of a row.
const (
	// OutcomePass: the actual result (and patched resource) is the expected one.
	OutcomePass Outcome = "Pass"
	// OutcomeFail: it is not, or the resource or policy was not found.
	OutcomeFail Outcome = "Fail"
	// OutcomeSkip: not checked because it is out of preadmit's scope
	// (generate rules); does not fail a run.
	OutcomeSkip Outcome = "Skip"
	// OutcomeUnsupported: not checked because preadmit does not support it
	// yet (assertion checks, other policy kinds); fails a
	// run, since nothing was shown to hold.
	OutcomeUnsupported Outcome = "Unsupported"
)

// The reasons Kyverno prints, and preadmit's own.
const (
	ReasonOk            = "Ok"
	ReasonNotFound      = "Not found"
	ReasonExcluded      = "Excluded"
	ReasonResourceDiff  = "Resource diff"
	ReasonResourceError = "Resource error"
	ReasonNotChecked    = "Not checked"
	ReasonUnsupported   = "Unsupported"
)

// Row is one line of the results table: one expected result for one rule
// response on one resource.
type Row struct {
	ID       int    `json:"id"`
	Policy   string `json:"policy"`
	Rule     string `json:"rule"`
	Resource string `json:"resource"`
	// Outcome is the comparison; Expected and Actual the results compared
	// (Actual is empty when nothing was evaluated).
	Outcome  Outcome `json:"result"`
	Reason   string  `json:"reason"`
	Expected string  `json:"expected"`
	Actual   string  `json:"actual,omitempty"`
	// Message is the engine's message (a violation) or why the row failed.
	Message string `json:"message,omitempty"`
	// Diff shows how a patched resource differs from the expected one.
	Diff string `json:"diff,omitempty"`
}

// Suite is the outcome of one test file.
type Suite struct {
	Name string `json:"name"`
	Path string `json:"path"`
	Rows []Row  `json:"results"`
	// Notes are warnings about the test file (deprecated fields, values
	// preadmit ignores).
	Notes []string `json:"notes,omitempty"`
}

// Summary counts rows by outcome.
type Summary struct {
	Passed      int `json:"passed"`
	Failed      int `json:"failed"`
	Skipped     int `json:"skipped"`
	Unsupported int `json:"unsupported"`
}

// Summarize counts the rows of suites.
func Summarize(suites []*Suite) Summary {
	var s Summary
	for _, su := range suites {
		for _, r := range su.Rows {
			switch r.Outcome {
			case OutcomePass:
				s.Passed++
			case OutcomeFail:
				s.Failed++
			case OutcomeSkip:
				s.Skipped++
			case OutcomeUnsupported:
				s.Unsupported++
			}
		}
	}
	return s
}

// OK reports whether every expected result that could be checked matched
// and none was unsupported.
func (s Summary) OK() bool { return s.Failed == 0 && s.Unsupported == 0 }

// Total is the number of rows.
func (s Summary) Total() int { return s.Passed + s.Failed + s.Skipped + s.Unsupported }
