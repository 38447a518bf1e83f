package policies

import (
	"reflect"
	"testing"

	"github.com/preadmit/preadmit/transform/policy"
)

// TestLibraryUpToDate fails when library.bin is not what the library's
// files give today: run go generate ./policies.
func TestLibraryUpToDate(t *testing.T) {
	want, err := policy.Preparse(FS, ".", "embedded:policies")
	if err != nil {
		t.Fatalf("the library does not load: %v", err)
	}
	if string(want) != preparsed {
		t.Fatal("policies/library.bin is stale: run go generate ./policies")
	}
}

// TestLibraryAsParsed holds Library, which loads the documents parsed at
// build time, to the Set parsing the library's files gives: the same
// policies, rules, trees (styles, comments, lines) and other documents.
func TestLibraryAsParsed(t *testing.T) {
	want, err := policy.LoadFS(FS, ".", "embedded:policies")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Library()
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Policies) == 0 || len(got.Policies) != len(want.Policies) {
		t.Fatalf("%d policies, want %d", len(got.Policies), len(want.Policies))
	}
	if !reflect.DeepEqual(got, want) {
		for i := range want.Policies {
			if !reflect.DeepEqual(got.Policies[i], want.Policies[i]) {
				t.Errorf("policy %s (%s) differs from the one parsed from its file", want.Policies[i].Name, want.Policies[i].File)
			}
		}
		t.Fatal("Library differs from the library parsed from its files")
	}
}

// TestPreparsedCorrupt: a truncated or foreign form is an error, not a
// panic or a partial library.
func TestPreparsedCorrupt(t *testing.T) {
	for _, data := range []string{"", "not the form", preparsed[:len(preparsed)/2], preparsed[:len(preparsed)-1], preparsed + "x"} {
		if set, err := policy.LoadPreparsed(data); err == nil {
			t.Errorf("LoadPreparsed of %d bytes: %d policies and no error", len(data), len(set.Policies))
		}
	}
}
