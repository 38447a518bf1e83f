package engine_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	sigsyaml "sigs.k8s.io/yaml"

	"github.com/preadmit/preadmit/internal/authz"
	"github.com/preadmit/preadmit/internal/authz/engine"
	"github.com/preadmit/preadmit/transform/report"
)

// policy is a ValidatingPolicy of a mode with these validations, as JSON.
func policy(t testing.TB, name string, mode authz.Mode, validations ...string) authz.Policy {
	t.Helper()
	var vs []map[string]string
	for _, v := range validations {
		vs = append(vs, map[string]string{"expression": v})
	}
	doc, err := json.Marshal(map[string]any{
		"apiVersion": "policies.kyverno.io/v1", "kind": "ValidatingPolicy",
		"metadata": map[string]any{"name": name},
		"spec":     map[string]any{"evaluation": map[string]any{"mode": mode}, "validations": vs},
	})
	if err != nil {
		t.Fatal(err)
	}
	return authz.Policy{File: name + ".yaml", Document: doc}
}

func payload(name, body string) authz.Payload { return authz.Payload{Name: name, Body: []byte(body)} }

// TestCheck: each policy's verdict on each request, as the Kyverno CLI
// words it: the first validation that answers decides; none answering is
// a skip; an evaluation error is an error.
func TestCheck(t *testing.T) {
	const (
		envoyGet  = `{"attributes": {"request": {"http": {"method": "GET", "path": "/", "headers": {"x-team": "a"}}}}}`
		envoyPost = `{"attributes": {"request": {"http": {"method": "POST", "path": "/"}}}}`
		httpGet   = `{"attributes": {"method": "GET", "path": "/metrics", "header": {"X-Team": ["a"]}}}`
	)
	cases := []struct {
		name string
		req  authz.Request
		want []string // policy payload status message
	}{{
		name: "envoy allowed and denied",
		req: authz.Request{Mode: authz.Envoy, Policies: []authz.Policy{
			policy(t, "allow", authz.Envoy, "envoy.Allowed().Response()"),
			policy(t, "get-only", authz.Envoy, `object.attributes.request.http.method != "GET" ? envoy.Denied(405).Response() : null`, "envoy.Allowed().Response()"),
		}, Payloads: []authz.Payload{payload("get.json", envoyGet), payload("post.json", envoyPost)}},
		want: []string{
			"allow get.json pass request allowed",
			"get-only get.json pass request allowed",
			"allow post.json pass request allowed",
			"get-only post.json fail request denied with status code 405",
		},
	}, {
		name: "envoy no answer, error",
		req: authz.Request{Mode: authz.Envoy, Policies: []authz.Policy{
			policy(t, "none", authz.Envoy, `object.attributes.request.http.method == "PUT" ? envoy.Allowed().Response() : null`),
			policy(t, "missing-header", authz.Envoy, `object.attributes.request.http.headers["x-user"] == "" ? envoy.Denied(403).Response() : null`),
		}, Payloads: []authz.Payload{payload("get.json", envoyGet)}},
		want: []string{
			"none get.json skip request does not match",
			"missing-header get.json error no such key: x-user",
		},
	}, {
		name: "http",
		req: authz.Request{Mode: authz.HTTP, Policies: []authz.Policy{
			policy(t, "team", authz.HTTP, `object.attributes.Header("x-team") == ["a"] ? http.Denied("team a is read-only").Response() : http.Allowed().Response()`),
		}, Payloads: []authz.Payload{payload("get.json", httpGet), payload("none.json", `{"attributes": {"method": "GET"}}`)}},
		want: []string{
			"team get.json fail request denied, reason: team a is read-only",
			"team none.json pass request allowed",
		},
	}}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			res, err := engine.Check(context.Background(), tc.req)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, r := range res {
				got = append(got, strings.Join([]string{r.Policy, r.Payload, string(r.Status), r.Message}, " "))
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

// TestCheckErrors: a request that cannot be checked is an error naming the
// file, the policy and what is wrong.
func TestCheckErrors(t *testing.T) {
	ok := policy(t, "allow", authz.Envoy, "envoy.Allowed().Response()")
	get := payload("get.json", `{"attributes": {}}`)
	cases := []struct {
		name string
		req  authz.Request
		want string
	}{
		{"mode", authz.Request{Mode: "JSON", Policies: []authz.Policy{ok}}, `evaluation mode "JSON": expected Envoy or HTTP`},
		{"policy of another mode", authz.Request{Mode: authz.HTTP, Policies: []authz.Policy{ok}, Payloads: []authz.Payload{get}}, `allow.yaml: ValidatingPolicy allow: evaluation mode "Envoy", want "HTTP"`},
		{"compile error", authz.Request{Mode: authz.Envoy, Policies: []authz.Policy{policy(t, "typo", authz.Envoy, "envoy.Allowd().Response()")}}, "typo.yaml: ValidatingPolicy typo: spec.validations[0].expression"},
		{"type error", authz.Request{Mode: authz.Envoy, Policies: []authz.Policy{policy(t, "int", authz.Envoy, "1")}}, "ValidatingPolicy int: spec.validations[0].expression"},
		{"not a policy", authz.Request{Mode: authz.Envoy, Policies: []authz.Policy{{File: "list.yaml", Document: []byte(`[]`)}}}, "list.yaml: ValidatingPolicy: json: cannot unmarshal array"},
		{"envoy request field", authz.Request{Mode: authz.Envoy, Policies: []authz.Policy{ok}, Payloads: []authz.Payload{payload("bad.json", `{"attributez": {}}`)}}, `bad.json: not an Envoy request: `},
		{"http request", authz.Request{Mode: authz.HTTP, Payloads: []authz.Payload{payload("bad.json", `[1]`)}}, "bad.json: not an HTTP request: json: cannot unmarshal array"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := engine.Check(context.Background(), tc.req)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
		})
	}
}

// TestServe: the protocol: a Request as JSON in, a Response as JSON out;
// unknown fields are refused.
func TestServe(t *testing.T) {
	req := authz.Request{Mode: authz.Envoy, Policies: []authz.Policy{policy(t, "allow", authz.Envoy, "envoy.Allowed().Response()")},
		Payloads: []authz.Payload{payload("get.json", `{}`)}}
	in, err := json.Marshal(req)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := engine.Serve(context.Background(), bytes.NewReader(in), &out); err != nil {
		t.Fatal(err)
	}
	var resp authz.Response
	if err := sigsyaml.UnmarshalStrict(out.Bytes(), &resp); err != nil || len(resp.Results) != 1 || resp.Results[0].Status != report.StatusPass {
		t.Errorf("response %s (%v), want one pass", out.String(), err)
	}
	if err := engine.Serve(context.Background(), strings.NewReader(`{"mode": "Envoy", "polices": []}`), &out); err == nil || !strings.Contains(err.Error(), `unknown field "polices"`) {
		t.Errorf("unknown field: error %v", err)
	}
}

// FuzzServe: whatever comes in, Serve answers or errs; it never panics.
func FuzzServe(f *testing.F) {
	for _, s := range []string{
		`{"mode": "Envoy", "policies": [{"file": "p", "document": {"spec": {"evaluation": {"mode": "Envoy"}, "validations": [{"expression": "envoy.Allowed().Response()"}]}}}], "payloads": [{"name": "r", "body": "e30="}]}`,
		`{"mode": "HTTP", "policies": [{"file": "p", "document": {"spec": {"evaluation": {"mode": "HTTP"}, "validations": [{"expression": "http.Denied(object.attributes.path).Response()"}]}}}], "payloads": [{"name": "r", "body": "eyJhdHRyaWJ1dGVzIjoge319"}]}`,
		`{"mode": "Envoy"}`, `[]`, `{"mode": "HTTP", "payloads": [{"name": "r", "body": "bnVsbA=="}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		var out bytes.Buffer
		_ = engine.Serve(context.Background(), bytes.NewReader(in), &out)
	})
}
