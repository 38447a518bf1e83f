package conditions

import "testing"

// TestKyvernoSetOperators holds AnyIn, AllIn, AnyNotIn, AllNotIn, Equals
// and NotEquals to Kyverno v1.19's handlers (pkg/engine/variables/operator)
// and its evaluate_test.go cases: ranges, a string key against a list, a
// JSON array in a string, and empty lists on either side.
func TestKyvernoSetOperators(t *testing.T) {
	list := func(s ...interface{}) []interface{} { return s }
	empty := list()
	for _, tc := range []struct {
		op         string
		key, value interface{}
		want       bool
	}{
		// Ranges: the value "a-b" is a range when the key is a scalar or a list.
		{"AnyIn", "5", "1-10", true},
		{"AnyIn", 5.0, "1-10", true},
		{"AnyIn", 1500.0, "1024-2048", true},
		{"AnyIn", "80", "1024-2048", false},
		{"AnyIn", list("5"), "1-3", false},
		{"AnyIn", list(1.0, 5.0), "7-10", false},
		{"AnyIn", list(1.0, 5.0), "0-10", true},
		{"AnyIn", list(1.002, 1.222), "1.001-10", true},
		{"AnyIn", -3.0, "-5-5", true},
		{"AnyIn", -6.0, "-5-5", false},
		{"AnyIn", -7.0, "-10--5", true},
		{"AnyIn", "+3", "+1-+5", true},
		{"AnyIn", 0.5, "0.25-0.75", true},
		{"AnyIn", "1536Mi", "1Gi-2Gi", true},
		{"AnyIn", "3Gi", "1Gi-2Gi", false},
		{"AllIn", 5.0, "1-10", true},
		{"AllIn", list(3.0, 2.0), "1-10", true},
		{"AllIn", list(3.0, 2.0), "5-10", false},
		{"AllNotIn", 5.5, "6-10", true},
		{"AllNotIn", "5", "1-6", false},
		{"AllNotIn", list(3.0, 2.0), "5-10", true},
		{"AllNotIn", list(2.0, 6.0), "5-10", false},
		{"AnyNotIn", 80.0, "1024-2048", true},
		{"AnyNotIn", 1500.0, "1024-2048", false},
		// A list key against a range: Kyverno rewrites a-b to a!-b.
		{"AnyNotIn", list(80.0, 1500.0), "1024-2048", true},
		{"AnyNotIn", list(1100.0, 1500.0), "1024-2048", false},
		// "a!-b" and "<a" are not ranges: the value is a literal.
		{"AnyIn", "5", "1!-3", false},
		{"AnyIn", "5", "<10", false},

		// A scalar key against a list and a string.
		{"AnyIn", "CREATE", list("CREATE", "UPDATE"), true},
		{"AnyIn", "team-a", "team-*", true},
		{"AnyIn", "b", `["a", "b"]`, true},
		{"AnyNotIn", "c", `["a", "b"]`, true},
		// Valid JSON that is not an array of strings is a type Kyverno
		// cannot read: false whatever the operator.
		{"AnyIn", "6", "5", false},
		{"AnyNotIn", "6", "5", false},
		{"AllNotIn", "x", "true", false},
		{"AnyIn", "x", `[1, 2]`, false},
		// A scalar key against a number: also a type it cannot read.
		{"AnyIn", "5", 5.0, false},
		{"AnyNotIn", "5", 5.0, false},
		// A list key against a number: the Any forms read it, the All forms do not.
		{"AnyIn", list("5"), 5.0, true},
		{"AnyNotIn", list("6"), 5.0, true},
		{"AllIn", list("5"), 5.0, false},
		{"AllNotIn", list("6"), 5.0, false},
		{"AnyIn", list("1.1.1.1", "5.5.5.5"), "1.1.1.1", true},
		{"AllIn", list("1.1.1.1", "5.5.5.5"), "5.5.5.5", false},
		{"AllNotIn", list("1.1.1.1", "4.4.4.4"), "2.2.2.2", true},
		{"AnyNotIn", list("a"), "a", false},
		// A null key is false for every set operator.
		{"AnyIn", nil, list("a"), false},
		{"AnyNotIn", nil, list("a"), false},
		{"AllNotIn", nil, list("a"), false},

		// Empty lists.
		{"AnyIn", empty, list("a"), false},
		{"AllIn", empty, list("a"), true},
		{"AnyNotIn", empty, list("a"), false},
		{"AllNotIn", empty, list("a"), true},
		{"AnyIn", "a", empty, false},
		{"AllIn", "a", empty, false},
		{"AnyNotIn", "a", empty, true},
		{"AllNotIn", "a", empty, true},
		{"AnyIn", list("a"), empty, false},
		{"AllIn", list("a"), empty, false},
		{"AnyNotIn", list("a"), empty, true},
		{"AllNotIn", list("a"), empty, true},
		{"AnyIn", empty, empty, false},
		{"AllIn", empty, empty, true},
		{"AnyNotIn", empty, empty, false},
		{"AllNotIn", empty, empty, true},
		{"AllIn", empty, "1-10", true},
		{"AnyIn", empty, "1-10", false},
		{"AllIn", empty, `[]`, true},

		// Equals and NotEquals between a string and a list: Equals is
		// false, NotEquals is true (it is not the negation of Equals).
		{"Equals", "DELETE", list("DELETE"), false},
		{"NotEquals", "DELETE", list("DELETE"), true},
		{"NotEquals", "CREATE", list("DELETE"), true},
		{"Equals", list("DELETE"), "DELETE", false},
		{"NotEquals", list("DELETE"), "DELETE", true},
		{"NotEquals", true, "true", true},
		{"NotEquals", 2.0, "two", true},
		{"NotEquals", "1Gi", "lots", true},
		{"NotEquals", "1Gi", "", true},
		{"NotEquals", map[string]interface{}{"a": "b"}, list("a"), true},
		{"NotEquals", nil, "x", false},
		{"Equals", nil, nil, false},
		{"NotEquals", "a", "a", false},
	} {
		op, err := ParseOperator(tc.op)
		if err != nil {
			t.Fatal(err)
		}
		if got := op.Apply(tc.key, tc.value); got != tc.want {
			t.Errorf("%v %s %v = %v, want %v", tc.key, tc.op, tc.value, got, tc.want)
		}
	}
}
