package stream

import (
	"fmt"
	"strings"
)

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
		var at []string
		if e.Source != "" {
			at = append(at, e.Source)
		}
		if e.Line > 0 {
			at = append(at, fmt.Sprintf("starting at line %d", e.Line))
		}
		where = fmt.Sprintf("input document %d", e.Index)
		if len(at) > 0 {
			where += " (" + strings.Join(at, ", ") + ")"
		}
	}
	return fmt.Sprintf("%s: %v", where, e.Err)
}

func (e *InputError) Unwrap() error { return e.Err }

// SyntaxError is a document that go-yaml cannot decode. In a document read
// by Read, its "line N" is a line of the whole stream.
type SyntaxError struct{ Err error }

func (e *SyntaxError) Error() string { return "malformed YAML: " + e.Err.Error() }

func (e *SyntaxError) Unwrap() error { return e.Err }

// WriteError is the writer failing while Write writes the stream (a closed
// pipe), as opposed to a document that cannot be encoded, which Write
// reports before writing anything.
type WriteError struct{ Err error }

func (e *WriteError) Error() string { return "writing output: " + e.Err.Error() }

func (e *WriteError) Unwrap() error { return e.Err }
