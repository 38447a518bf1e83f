package transform

import "github.com/preadmit/preadmit/transform/report"

// resultLog collects a render's results in fixed-size chunks and joins them
// once at the end: a render of thousands of documents has a hundred
// thousand results or more, and growing one slice would copy them over
// and over.
type resultLog struct {
	full [][]report.Result
	cur  []report.Result
	n    int
	// count tallies every result, kept or not.
	count report.Counter
	// findingsOnly keeps only the results a person must read (fail, warn,
	// error): Options.FindingsOnly.
	findingsOnly bool
}

const (
	resultChunk = 1024
	resultFirst = 256
)

func (l *resultLog) add(r report.Result) {
	l.count.Add(r)
	if l.findingsOnly && (r.Status == report.StatusPass || r.Status == report.StatusSkip) {
		return
	}
	// The current chunk grows by doubling up to resultChunk (a batch of a
	// parallel render holds a few hundred results), then a new one starts.
	switch {
	case l.cur == nil && l.findingsOnly:
		l.cur = make([]report.Result, 0, resultFirst/16)
	case l.cur == nil:
		// A batch of a parallel render has a few hundred results.
		l.cur = make([]report.Result, 0, resultFirst)
	case len(l.cur) == cap(l.cur) && cap(l.cur) >= resultChunk:
		l.full = append(l.full, l.cur)
		l.cur = make([]report.Result, 0, resultChunk)
	}
	l.cur = append(l.cur, r)
	l.n++
}

// all returns the results in the order they were added, nil when none were.
func (l *resultLog) all() []report.Result {
	if l.n == 0 {
		return nil
	}
	out := make([]report.Result, 0, l.n)
	for _, c := range l.full {
		out = append(out, c...)
	}
	return append(out, l.cur...)
}

// addAll appends every result of o, in order, taking its chunks as they
// are.
func (l *resultLog) addAll(o *resultLog) {
	l.count.Merge(&o.count)
	if len(l.cur) > 0 {
		l.full = append(l.full, l.cur)
		l.cur = nil
	}
	l.full = append(l.full, o.full...)
	if len(o.cur) > 0 {
		l.full = append(l.full, o.cur)
	}
	l.n += o.n
}
