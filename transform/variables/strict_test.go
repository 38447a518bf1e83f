package variables

import (
	"reflect"
	"testing"

	"github.com/jmespath-community/go-jmespath/pkg/interpreter"
)

// TestStrictValues checks that the values the strictness check hands back
// (so that an expression is not evaluated twice) are the interpreter's.
func TestStrictValues(t *testing.T) {
	data := map[string]interface{}{
		"a": map[string]interface{}{
			"b": "B", "s": "nginx:1.25", "f": false, "list": []interface{}{"x", "y", "z"},
		},
	}
	for _, text := range []string{
		"a.b || 'x'", "a.f || 'x'", "a.f || a.b", "a.b && a.s", "a.f && a.b", "a.list | [1]",
		"split(a.s, ':') | [1] || 'latest'", "split(a.b, ':') | [1] || 'latest'", "`false` || a.b",
		"a.list[-1]", "[a.b, 'y'] | [0]", "'lit'", "a.list[?@ == 'y'] | [0]", "!a.f",
	} {
		e, err := ParseExpr(text)
		if err != nil {
			t.Fatal(err)
		}
		ctx := NewContext()
		for k, v := range data {
			ctx.Set(k, v)
		}
		got, err := e.Evaluate(ctx)
		if err != nil {
			t.Errorf("%s: %v", text, err)
			continue
		}
		want, err := interpreter.NewInterpreter(ctx.Data(), ctx.caller(), nil).Execute(e.ast, ctx.Data())
		if err != nil {
			t.Fatalf("%s: interpreter: %v", text, err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("%s = %#v, the interpreter says %#v", text, got, want)
		}
	}
}
