package kyvernotest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	sigsyaml "sigs.k8s.io/yaml"

	"github.com/preadmit/preadmit/internal/authz"
	"github.com/preadmit/preadmit/internal/sibling"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/cel"
	"github.com/preadmit/preadmit/transform/policy"
)

// readPayloads reads the test's jsonPayloads, as "kyverno test" does: a
// .json file is JSON, any other YAML, and each holds one object (a
// mapping), named in results by its name in the test file.
func (r *runner) readPayloads() ([]transform.Payload, error) {
	var out []transform.Payload
	for _, name := range r.test.payloads() {
		path := resolve(r.dir, name)
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, &FileError{Test: r.path, File: path, Err: err}
		}
		var v any
		if strings.EqualFold(filepath.Ext(path), ".json") {
			err = json.Unmarshal(b, &v)
		} else {
			err = sigsyaml.Unmarshal(b, &v)
		}
		if err != nil {
			return nil, &FileError{Test: r.path, File: path, Err: fmt.Errorf("JSON payload: %w", err)}
		}
		if _, ok := v.(map[string]any); !ok {
			return nil, &FileError{Test: r.path, File: path, Err: errors.New("JSON payload: must be an object (a mapping) at the top level")}
		}
		out = append(out, transform.Payload{Name: name, Value: v})
	}
	return out, nil
}

// checkPayloads runs the policies in JSON evaluation mode as "kyverno
// test" does: on each of the run's resources as it was rendered, as if it
// were a payload, and, in the default run, on the test's payloads, which
// join the run's resources as resources of no kind, keyed after the
// stream's (index -1, -2, ...).
func (r *runner) checkPayloads(x *rendered) error {
	if !slices.ContainsFunc(r.set.policies, func(p *policy.Policy) bool { return p.Mode() == policy.EvaluationJSON }) {
		return nil
	}
	var payloads []transform.Payload
	var keys []unitKey
	for _, u := range x.resources {
		n := u.key.node(x.out.Docs)
		if n == nil {
			continue
		}
		v, err := cel.FromNode(n.YNode())
		if err != nil {
			return &FileError{Test: r.path, Err: fmt.Errorf("resources: %s %s: %w", u.kind, u.name, err)}
		}
		payloads, keys = append(payloads, transform.Payload{Name: u.name, Value: v}), append(keys, u.key)
	}
	if x.operation == "" {
		for i, p := range r.payloads {
			payloads, keys = append(payloads, p), append(keys, payloadKey(i))
			x.resources = append(x.resources, resource{key: payloadKey(i), name: p.Name})
		}
	}
	eng, err := transform.New(r.opts)
	if err != nil {
		return &FileError{Test: r.path, Err: fmt.Errorf("compiling policies: %w", err)}
	}
	for _, res := range eng.CheckPayloads(payloads) {
		k := keys[res.Resource.Index]
		x.results[k] = append(x.results[k], res)
	}
	return nil
}

func payloadKey(i int) unitKey { return unitKey{index: -1 - i, item: -1} }

// authzModes are the evaluation modes of the authorization-server
// policies, which preadmit-authz checks (package authz), with the test
// field that holds their requests.
var authzModes = map[policy.EvaluationMode]string{policy.EvaluationEnvoy: "envoyPayloads", policy.EvaluationHTTP: "httpPayloads"}

// authzRun is one mode's check: every policy of the mode on every request
// file of the test, or why it could not be made.
type authzRun struct {
	results []authz.Result
	err     error
}

// authzRows adds the rows of a result about a ValidatingPolicy in Envoy or
// HTTP evaluation mode, as "kyverno test" checks it: one per request file
// of the test, of either mode; on a file of the other mode the policy gave
// no answer, which fails ("Not found"). When preadmit-authz is not there,
// the rows of the policy's own files are unsupported, saying how to get
// it; a policy or request it cannot read stops the test.
func (r *runner) authzRows(base Row, p *policy.Policy, expected string) error {
	mode := p.Mode()
	own, other := r.test.EnvoyPayloads, r.test.HTTPPayloads
	if mode == policy.EvaluationHTTP {
		own, other = other, own
	}
	row := func(file string) Row {
		out := base
		out.Resource = display("", "", filepath.Clean(file))
		return out
	}
	if len(own)+len(other) == 0 {
		out := base
		out.Resource = "(no " + authzModes[mode] + ")"
		out.Outcome, out.Reason = OutcomeFail, ReasonNotFound
		out.Message = fmt.Sprintf("policy %s checks %s, and the test has no %s", p.Name, mode.Subject(), authzModes[mode])
		r.add(out)
		return nil
	}
	if len(own) > 0 {
		run := r.checkAuthz(mode, own)
		var nf *sibling.NotFoundError
		switch {
		case errors.As(run.err, &nf):
			for _, f := range own {
				out := row(f)
				out.Outcome, out.Reason = OutcomeUnsupported, ReasonUnsupported
				out.Message = fmt.Sprintf("policy %s checks %s: %v", p.Name, mode.Subject(), run.err)
				r.add(out)
			}
		case run.err != nil:
			return &FileError{Test: r.path, Err: fmt.Errorf("%s: %w", authzModes[mode], run.err)}
		}
		for _, res := range run.results {
			if res.Policy != p.Name {
				continue
			}
			out := row(res.Payload)
			out.Actual, out.Message = string(res.Status), res.Message
			if string(res.Status) != expected {
				out.Outcome, out.Reason = OutcomeFail, fmt.Sprintf("Want %s, got %s", expected, res.Status)
			} else {
				out.Outcome, out.Reason = OutcomePass, ReasonOk
			}
			r.add(out)
		}
	}
	for _, f := range other {
		out := row(f)
		out.Outcome, out.Reason = OutcomeFail, ReasonNotFound
		out.Message = fmt.Sprintf("policy %s checks %s, not the test's %s", p.Name, mode.Subject(), f)
		r.add(out)
	}
	return nil
}

// checkAuthz checks the test's policies of an authorization mode on its
// request files, once per test and mode.
func (r *runner) checkAuthz(mode policy.EvaluationMode, files []string) *authzRun {
	if run, ok := r.authz[mode]; ok {
		return run
	}
	run := &authzRun{}
	r.authz[mode] = run
	req := authz.Request{Mode: authz.Mode(mode)}
	for _, p := range r.set.authz {
		if p.Mode() != mode {
			continue
		}
		doc, err := p.Node.MarshalJSON()
		if err != nil {
			run.err = fmt.Errorf("%s: policy %s: %w", p.File, p.Name, err)
			return run
		}
		req.Policies = append(req.Policies, authz.Policy{File: p.File, Document: doc})
	}
	for _, f := range files {
		b, err := os.ReadFile(resolve(r.dir, f))
		if err != nil {
			run.err = err
			return run
		}
		req.Payloads = append(req.Payloads, authz.Payload{Name: f, Body: b})
	}
	run.results, run.err = authz.Check(context.Background(), req)
	return run
}
