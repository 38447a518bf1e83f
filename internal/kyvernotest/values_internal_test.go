package kyvernotest

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/report"
)

// TestValuesHook: the values a rule sees on a resource, in the Kyverno
// CLI's order (global, resource, rule), with its rule lookup
// (GetPolicyRule: the rule, autogen- and autogen-cronjob- forms, the first
// entry that names it) and foreachValues at index 0.
func TestValuesHook(t *testing.T) {
	v := &Values{
		GlobalValues: map[string]interface{}{"g": "global", "over": "global"},
		Policies: []ValuesPolicy{
			{Name: "p", Resources: []ValuesResource{{Name: "web", Values: map[string]interface{}{"over": "resource", "r": 1}}}},
			{Name: "p", Rules: []ValuesRule{
				{Name: "check", Values: map[string]interface{}{"over": "rule"}, ForeachValues: map[string][]interface{}{"each": {"first", "second"}, "none": {}}},
				{Name: "check", Values: map[string]interface{}{"over": "second entry"}},
			}},
		},
	}
	hook := valuesHook(v)
	for _, tc := range []struct {
		rule, resource string
		want           map[string]interface{}
	}{
		{"check", "web", map[string]interface{}{"g": "global", "over": "rule", "r": 1, "each": "first"}},
		{"autogen-check", "web", map[string]interface{}{"g": "global", "over": "rule", "r": 1, "each": "first"}},
		{"autogen-cronjob-check", "db", map[string]interface{}{"g": "global", "over": "rule", "each": "first"}},
		{"autogen-other-check", "db", map[string]interface{}{"g": "global", "over": "global"}},
		{"other", "web", map[string]interface{}{"g": "global", "over": "resource", "r": 1}},
	} {
		got := hook(transform.ValuesFor{Policy: "p", Rule: tc.rule, Resource: report.Resource{Name: tc.resource}})
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("rule %s on %s: %v, want %v", tc.rule, tc.resource, got, tc.want)
		}
	}
	if valuesHook(nil) != nil {
		t.Error("no values file: want no hook")
	}
}

// TestMockErrors: apiCallResponses and globalContextEntries kyverno test
// refuses are refused with its reasons.
func TestMockErrors(t *testing.T) {
	for _, tc := range []struct{ name, test, want string }{
		{"no url", `{apiCallResponses: [{response: {body: {a: 1}}}]}`, "either url or urlPath is required"},
		{"url and path", `{apiCallResponses: [{url: "https://a.example.com", urlPath: /x, response: {body: {a: 1}}}]}`, "mutually exclusive"},
		{"relative url", `{apiCallResponses: [{url: a.example.com/x, response: {body: {a: 1}}}]}`, "absolute https or http URL"},
		{"relative path", `{apiCallResponses: [{urlPath: api/v1, response: {body: {a: 1}}}]}`, "must be an absolute path"},
		{"method", `{apiCallResponses: [{urlPath: /x, method: PUT, response: {body: {a: 1}}}]}`, "method must be GET or POST"},
		{"no body", `{apiCallResponses: [{urlPath: /x, response: {statusCode: 200}}]}`, "response.body is required"},
		{"list body", `{apiCallResponses: [{urlPath: /x, response: {body: [1]}}]}`, "response.body is required and must be an object"},
		{"status", `{apiCallResponses: [{urlPath: /x, response: {statusCode: 99, body: {a: 1}}}]}`, "statusCode 99"},
		{"duplicate", `{apiCallResponses: [{urlPath: /x, response: {body: {a: 1}}}, {urlPath: /x, response: {body: {a: 2}}}]}`, "duplicate entry"},
		{"no name", `{globalContextEntries: [{data: {a: 1}}]}`, "name is required"},
		{"duplicate name", `{globalContextEntries: [{name: a, data: {a: 1}}, {name: a, data: {a: 2}}]}`, `duplicate name "a"`},
		{"no source", `{globalContextEntries: [{name: a}]}`, "exactly one of data, resources and resourceFiles"},
		{"two sources", `{globalContextEntries: [{name: a, data: {a: 1}, resources: [{kind: Pod}]}]}`, "exactly one of"},
		{"escaping file", `{globalContextEntries: [{name: a, resourceFiles: [../x.yaml]}]}`, "inside the test's directory"},
		{"missing file", `{globalContextEntries: [{name: a, resourceFiles: [nope.yaml]}]}`, "no such file"},
		{"projection without path", `{globalContextEntries: [{name: a, data: {a: 1}, projections: [{name: p}]}]}`, "name and path are required"},
		{"bad field path", `{globalContextEntries: [{name: a, data: {a: 1}, fieldPath: "a["}]}`, "fieldPath"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var test Test
			if err := decodeStrict([]byte(tc.test), &test); err != nil {
				t.Fatal(err)
			}
			_, err := apiCallResponses(test.APICallResponses)
			if err == nil {
				_, err = globalContext(t.TempDir(), test.GlobalContextEntries)
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error with %q", err, tc.want)
			}
		})
	}
}

// TestGlobalContextData: an entry's data after fieldPath and projections.
func TestGlobalContextData(t *testing.T) {
	var test Test
	if err := decodeStrict([]byte(`{globalContextEntries: [
  {name: data, data: {deployments: [{name: a}, {name: b}]}, projections: [{name: names, path: "deployments[].name"}, {name: count, path: "length(deployments)"}]},
  {name: resources, resources: [{kind: Pod, metadata: {name: x}}], fieldPath: "[0].metadata"}]}`), &test); err != nil {
		t.Fatal(err)
	}
	got, err := globalContext(t.TempDir(), test.GlobalContextEntries)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]transform.GlobalContextEntry{
		"data":      {Data: map[string]interface{}{"names": []interface{}{"a", "b"}, "count": float64(2)}},
		"resources": {Data: map[string]interface{}{"name": "x"}},
	}
	if !reflect.DeepEqual(got, want) {
		a, _ := json.Marshal(got)
		b, _ := json.Marshal(want)
		t.Errorf("got %s\nwant %s", a, b)
	}
}
