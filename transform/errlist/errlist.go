package errlist

import "strings"

// List is every error of one kind found, one per line.
type List[E error] []E

func (l List[E]) Error() string {
	lines := make([]string, len(l))
	for i, e := range l {
		lines[i] = e.Error()
	}
	return strings.Join(lines, "\n")
}

// AsError returns the list as an error, or nil when it is empty (a nil
// List in an error interface would not compare equal to nil).
func (l List[E]) AsError() error {
	if len(l) == 0 {
		return nil
	}
	return l
}
