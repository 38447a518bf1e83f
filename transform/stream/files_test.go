package stream

import (
	"reflect"
	"testing"
	"testing/fstest"
)

func TestYAMLFiles(t *testing.T) {
	fsys := fstest.MapFS{
		"b.yaml":            {},
		"a.yml":             {},
		"notes.md":          {},
		"sub/c.yaml":        {},
		".git/config.yaml":  {},
		"sub/.hidden/d.yml": {},
	}
	got, err := YAMLFiles(fsys, ".")
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"a.yml", "b.yaml", "sub/c.yaml"}; !reflect.DeepEqual(got, want) {
		t.Errorf("YAMLFiles = %v, want %v", got, want)
	}
	if _, err := YAMLFiles(fsys, "missing"); err == nil {
		t.Error("no error for a missing root")
	}
}
