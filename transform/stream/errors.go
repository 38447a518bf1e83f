package stream

import "fmt"

// InputError is a problem with the input stream itself: it is not YAML, a
// document is hostile, or there is nothing to read. The CLI maps it to the
// input-error exit code.
type InputError struct {
	// Index is the document's position, or -1 for the stream as a whole.
	Index int
	// Line is the 1-based line in the stream where the document starts, or 0.
	Line   int
	Source string
	Err    error
}

func (e *InputError) Error() string {
	where := "input"
	if e.Index >= 0 {
		where = fmt.Sprintf("input document %d", e.Index)
		if e.Line > 0 {
			where += fmt.Sprintf(" (line %d)", e.Line)
		}
		if e.Source != "" {
			where += " from " + e.Source
		}
	}
	return fmt.Sprintf("%s: %v", where, e.Err)
}

func (e *InputError) Unwrap() error { return e.Err }
