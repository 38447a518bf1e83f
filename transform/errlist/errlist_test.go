package errlist_test

import (
	"errors"
	"fmt"
	"testing"

	"github.com/preadmit/preadmit/transform/errlist"
)

type itemError struct{ n int }

func (e *itemError) Error() string { return fmt.Sprintf("item %d", e.n) }

func TestList(t *testing.T) {
	for _, tc := range []struct {
		name string
		list errlist.List[*itemError]
		want string
	}{
		{"empty", nil, ""},
		{"one", errlist.List[*itemError]{{1}}, "item 1"},
		{"several, one per line", errlist.List[*itemError]{{1}, {2}, {3}}, "item 1\nitem 2\nitem 3"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.list.AsError()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("AsError() = %v, want nil", err)
				}
				return
			}
			if err == nil || err.Error() != tc.want {
				t.Fatalf("AsError() = %v, want %q", err, tc.want)
			}
			var back errlist.List[*itemError]
			if !errors.As(fmt.Errorf("wrapped: %w", err), &back) || len(back) != len(tc.list) {
				t.Fatalf("errors.As through a wrap: %v", back)
			}
		})
	}
}
