package kyvernotest

import (
	"encoding/json"
	"io"
)

// jsonReport is the -o json document.
type jsonReport struct {
	Tests   []*Suite `json:"tests"`
	Summary Summary  `json:"summary"`
}

// WriteJSON writes every suite and the summary as one JSON document.
func WriteJSON(w io.Writer, suites []*Suite) error {
	if suites == nil {
		suites = []*Suite{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(jsonReport{Tests: suites, Summary: Summarize(suites)})
}
