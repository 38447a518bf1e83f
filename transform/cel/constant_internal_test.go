package cel

import (
	"testing"

	"github.com/google/cel-go/common/types"
)

// TestConstant: an expression that reads no input is evaluated once, when
// compiled; one that reads anything (a binding, a variable, a
// comprehension's element, the clock) is evaluated each time.
func TestConstant(t *testing.T) {
	tests := []struct {
		expr     string
		constant bool
	}{
		{`"mirror.corp.example"`, true},
		{`{"cpu": "500m", "memory": "512Mi"}`, true},
		{`[]`, true},
		{`"a" + "b"`, true},
		{`object.kind`, false},
		{`variables.x`, false},
		{`[1, 2].map(x, x * 2)`, false},
		{`params == null`, false},
		{`1 / 0`, false}, // an error: evaluated, and failing, each time
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			p, err := Compile(tt.expr, "x")
			if err != nil {
				t.Fatal(err)
			}
			if got := p.value != nil; got != tt.constant {
				t.Errorf("kept a value: %v, want %v", got, tt.constant)
			}
			b := NewBindings(Input{Object: map[string]any{"kind": "Pod"}}, nil)
			v1, err1 := p.Eval(b)
			v2, err2 := p.Eval(b)
			if (err1 == nil) != (err2 == nil) || err1 == nil && v1.Equal(v2) != types.True {
				t.Errorf("two evaluations differ: %v %v, %v %v", v1, err1, v2, err2)
			}
		})
	}
}
