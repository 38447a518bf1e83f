package kyvernotest

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	sigsyaml "sigs.k8s.io/yaml"

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
// policies, which "preadmit test" reports as unsupported, with the test
// field that holds their requests.
var authzModes = map[policy.EvaluationMode]string{policy.EvaluationEnvoy: "envoyPayloads", policy.EvaluationHTTP: "httpPayloads"}

// authzRows adds, for a result about a ValidatingPolicy in Envoy or HTTP
// evaluation mode, an unsupported row per request file of the test.
func (r *runner) authzRows(base Row, mode policy.EvaluationMode) {
	files := r.test.EnvoyPayloads
	if mode == policy.EvaluationHTTP {
		files = r.test.HTTPPayloads
	}
	if len(files) == 0 {
		files = []string{"(no " + authzModes[mode] + ")"}
	}
	for _, f := range files {
		row := base
		row.Resource = display("", "", filepath.Clean(f))
		row.Outcome, row.Reason = OutcomeUnsupported, ReasonUnsupported
		row.Message = fmt.Sprintf("policy %s checks %s, which preadmit does not evaluate yet", base.Policy, mode.Subject())
		r.add(row)
	}
}
