package schema

import (
	"reflect"
	"testing"
)

func TestNearest(t *testing.T) {
	names := []string{"message", "pattern", "anyPattern", "deny", "foreach", "failureAction", "validationFailureAction"}
	for in, want := range map[string]string{
		"mesage": "message", "Message": "message", "patern": "pattern", "anypattern": "anyPattern",
		"validationFailureActon": "validationFailureAction", "failureActon": "failureAction",
		"dney": "deny", "xyz": "", "completelyDifferent": "",
	} {
		if got := Nearest(in, names); got != want {
			t.Errorf("Nearest(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestUnknownFields(t *testing.T) {
	type item struct {
		Name string `json:"name"`
	}
	type inner struct {
		Items []item `json:"items,omitempty"`
	}
	type spec struct {
		inner
		Mode  string                 `json:"mode,omitempty"`
		Vars  map[string]interface{} `json:"variables,omitempty"`
		ByKey map[string]item        `json:"byKey,omitempty"`
		Skip  string                 `json:"-"`
	}
	doc := map[string]interface{}{
		"mode":      "x",
		"modes":     "y",
		"variables": map[string]interface{}{"free": map[string]interface{}{"form": 1}},
		"items":     []interface{}{map[string]interface{}{"name": "a"}, map[string]interface{}{"nmae": "b"}},
		"byKey":     map[string]interface{}{"k": map[string]interface{}{"names": "c"}},
		"Skip":      "z",
		"Mode":      "same field, another case: encoding/json takes it",
	}
	want := []FieldError{
		{Path: "Skip", Unknown: true},
		{Path: "byKey.k.names", Unknown: true, Hint: "name"},
		{Path: "items[1].nmae", Unknown: true, Hint: "name"},
		{Path: "modes", Unknown: true, Hint: "mode"},
	}
	if got := UnknownFields(doc, reflect.TypeFor[spec]()); !reflect.DeepEqual(got, want) {
		t.Errorf("got %#v\nwant %#v", got, want)
	}
}
