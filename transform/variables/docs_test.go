package variables

import (
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestFunctionsDocumented holds docs/variables.md, the function table and
// the tests together: every custom function is listed there, nothing else
// is, and each is called in functions_test.go.
func TestFunctionsDocumented(t *testing.T) {
	doc, err := os.ReadFile("../../docs/variables.md")
	if err != nil {
		t.Fatal(err)
	}
	tests, err := os.ReadFile("functions_test.go")
	if err != nil {
		t.Fatal(err)
	}
	var custom []string
	for name := range customFunctions {
		custom = append(custom, name)
	}
	_, section, ok := strings.Cut(string(doc), "## Custom JMESPath functions")
	if !ok {
		t.Fatal("docs/variables.md has no \"## Custom JMESPath functions\" section")
	}
	row := regexp.MustCompile("(?m)^\\| `([a-z_0-9]+)` \\|")
	var listed []string
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		listed = append(listed, m[1])
	}
	slices.Sort(custom)
	slices.Sort(listed)
	if !slices.Equal(custom, listed) {
		t.Errorf("docs/variables.md lists %v,\nthe function table has %v", listed, custom)
	}
	for _, name := range custom {
		if !strings.Contains(string(tests), name+"(") {
			t.Errorf("function %s has no case in functions_test.go", name)
		}
	}
}
