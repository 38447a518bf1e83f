package conditions

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/variables"
)

// Every operator of https://kyverno.io/docs/writing-policies/preconditions/
// ("Operators"), with the value forms Kyverno compares: strings with
// wildcards, numbers, quantities, durations, semver, lists and objects.
func TestOperators(t *testing.T) {
	list := func(s ...interface{}) []interface{} { return s }
	for _, tc := range []struct {
		op         string
		key, value interface{}
		want       bool
	}{
		{"Equals", "nginx", "nginx", true},
		{"Equals", "nginx:1.27", "nginx:*", true},
		{"Equals", "nginx", "busybox", false},
		{"Equals", 2.0, 2.0, true},
		{"Equals", true, true, true},
		{"Equals", "1Gi", "1024Mi", true},
		{"Equals", "1h", "60m", true},
		{"Equals", map[string]interface{}{"a": "b"}, map[string]interface{}{"a": "b"}, true},
		{"Equals", list("a", "b"), list("a", "b"), true},
		{"NotEquals", "infra", "default", true},
		{"NotEquals", "infra", "infra", false},
		{"NotEquals", "registry.local/nginx", "registry.local/*", false},

		{"In", "CREATE", list("CREATE", "UPDATE"), true},
		{"In", "DELETE", list("CREATE", "UPDATE"), false},
		{"NotIn", "DELETE", list("CREATE", "UPDATE"), true},
		{"NotIn", "CREATE", list("CREATE", "UPDATE"), false},

		{"AnyIn", list("a", "x"), list("a", "b"), true},
		{"AnyIn", list("x", "y"), list("a", "b"), false},
		{"AnyIn", "a", list("a", "b"), true},
		{"AnyIn", list("team-a"), list("team-*"), true},
		{"AnyIn", list(true, false), list(true), true},
		{"AllIn", list("a", "b"), list("a", "b", "c"), true},
		{"AllIn", list("a", "d"), list("a", "b", "c"), false},
		{"AllIn", list("app-1", "app-2"), list("app-*"), true},
		{"AnyNotIn", list("a", "d"), list("a", "b"), true},
		{"AnyNotIn", list("a", "b"), list("a", "b"), false},
		{"AllNotIn", list("x", "y"), list("a", "b"), true},
		{"AllNotIn", list("a", "y"), list("a", "b"), false},
		{"AllNotIn", "CAP_SYS_ADMIN", list("NET_ADMIN"), true},

		{"GreaterThan", 3.0, 2.0, true},
		{"GreaterThan", 2.0, 2.0, false},
		{"GreaterThan", "2Gi", "1Gi", true},
		{"GreaterThan", "1.10.0", "1.9.0", true},
		{"GreaterThan", "10", 9.0, true},
		{"GreaterThanOrEquals", 2.0, 2.0, true},
		{"GreaterThanOrEquals", "512Mi", "1Gi", false},
		{"LessThan", "100m", "1", true},
		{"LessThan", 1.0, 2.0, true},
		{"LessThan", "2h", "1h", false},
		{"LessThanOrEquals", "1Gi", "1024Mi", true},
		{"LessThanOrEquals", 3.0, 2.0, false},

		{"DurationGreaterThan", "2h", "1h", true},
		{"DurationGreaterThan", "30m", "1h", false},
		{"DurationGreaterThanOrEquals", "1h", "60m", true},
		{"DurationLessThan", "30s", "1m", true},
		{"DurationLessThanOrEquals", "2m", "1m", false},
	} {
		op, err := ParseOperator(tc.op)
		if err != nil {
			t.Fatalf("%s: %v", tc.op, err)
		}
		if got := op.Apply(tc.key, tc.value); got != tc.want {
			t.Errorf("%v %s %v = %v, want %v", tc.key, tc.op, tc.value, got, tc.want)
		}
	}
}

// Operator names are case-insensitive in Kyverno; unknown ones are errors.
func TestParseOperator(t *testing.T) {
	for _, s := range []string{"equals", "ANYIN", "greaterthanorequals"} {
		if _, err := ParseOperator(s); err != nil {
			t.Errorf("ParseOperator(%q): %v", s, err)
		}
	}
	if _, err := ParseOperator("Contains"); err == nil {
		t.Error("ParseOperator(Contains): no error")
	}
}

// A block's any list is ORed, its all list ANDed, and the block is their
// AND; messages tell which condition decided.
func TestEvaluate(t *testing.T) {
	ctx := variables.NewContext()
	ctx.Set("request.namespace", "shop")
	ctx.Set("request.operation", "CREATE")
	for _, tc := range []struct {
		name, block string
		want        bool
		msg         string
	}{
		{"empty", `{}`, true, ""},
		{"list-is-all", `[{key: "{{ request.namespace }}", operator: Equals, value: shop}]`, true, ""},
		{"all-fails", `{all: [{key: "{{ request.namespace }}", operator: Equals, value: shop}, {key: "{{ request.operation }}", operator: Equals, value: UPDATE, message: not an update}]}`, false, "not an update"},
		{"any-one-holds", `{any: [{key: a, operator: Equals, value: b, message: first}, {key: "{{ request.operation }}", operator: AnyIn, value: [CREATE], message: created}]}`, true, "created"},
		{"any-none-holds", `{any: [{key: a, operator: Equals, value: b, message: first}, {key: c, operator: Equals, value: d, message: second}]}`, false, "first; second"},
		{"any-and-all", `{any: [{key: x, operator: Equals, value: x}], all: [{key: "{{ request.namespace }}", operator: NotEquals, value: infra}]}`, true, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := Compile(yaml.MustParse(tc.block))
			if err != nil {
				t.Fatal(err)
			}
			got, msg, err := c.Evaluate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want || msg != tc.msg {
				t.Errorf("= %v %q, want %v %q", got, msg, tc.want, tc.msg)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	for _, block := range []string{
		`"just a string"`,
		`{some: []}`,
		`{all: [{key: a, operator: Frobnicates, value: b}]}`,
		`{any: {key: a}}`,
	} {
		if _, err := Compile(yaml.MustParse(block)); err == nil {
			t.Errorf("Compile(%s): no error", block)
		}
	}
}

// A key whose variable cannot be resolved is an error, as in Kyverno.
func TestEvaluateSubstitutionError(t *testing.T) {
	c, err := Compile(yaml.MustParse(`[{key: "{{ request.object.missing }}", operator: Equals, value: x}]`))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Evaluate(variables.NewContext()); err == nil {
		t.Error("no error for an unresolvable key")
	}
}
