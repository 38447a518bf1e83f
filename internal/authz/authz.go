package authz

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os/exec"
	"strings"
	"time"

	"github.com/preadmit/preadmit/internal/sibling"
	"github.com/preadmit/preadmit/transform/report"
)

// Binary is the program that holds the engine.
const Binary = "preadmit-authz"

// Timeout bounds one Check: the engine is stopped, and Check fails, when
// it has not answered by then.
var Timeout = 2 * time.Minute

// Mode is an authorization evaluation mode: spec.evaluation.mode of the
// policies a Request checks.
type Mode string

// The modes.
const (
	// Envoy requests are Envoy external-authorization CheckRequests
	// (envoy.service.auth.v3, in protobuf's JSON form).
	Envoy Mode = "Envoy"
	// HTTP requests are kyverno-authz's HTTP CheckRequests.
	HTTP Mode = "HTTP"
)

// Request is what Check sends: policies of one mode, each checked on each
// payload.
type Request struct {
	Mode     Mode      `json:"mode"`
	Policies []Policy  `json:"policies"`
	Payloads []Payload `json:"payloads"`
}

// Policy is one ValidatingPolicy document, as JSON, and the file it was
// read from (for errors).
type Policy struct {
	File     string          `json:"file"`
	Document json.RawMessage `json:"document"`
}

// Payload is one request file: its name as the test names it, and its
// bytes as read.
type Payload struct {
	Name string `json:"name"`
	Body []byte `json:"body"`
}

// Result is one policy's verdict on one payload: pass (the policy allowed
// the request), fail (it denied it), skip (no validation answered: the
// request did not match) or error (an expression could not be
// evaluated), as "kyverno test" words them.
type Result struct {
	Policy  string        `json:"policy"`
	Payload string        `json:"payload"`
	Status  report.Status `json:"status"`
	Message string        `json:"message"`
}

// Response is what the engine writes back.
type Response struct {
	Results []Result `json:"results"`
}

// Check runs preadmit-authz on req and returns its results: one per
// policy and payload, payload by payload, policies in order. The error
// names what failed: the binary missing, a policy that does not compile, a
// payload that is not a request of the mode.
func Check(ctx context.Context, req Request) ([]Result, error) {
	bin, err := sibling.Find(Binary, "checking "+string(req.Mode)+" requests")
	if err != nil {
		return nil, err
	}
	in, err := json.Marshal(req)
	if err != nil {
		return nil, fmt.Errorf("encoding the request for %s: %w", Binary, err)
	}
	ctx, cancel := context.WithTimeout(ctx, Timeout)
	defer cancel()
	var stdout, stderr bytes.Buffer
	c := exec.CommandContext(ctx, bin)
	c.Stdin, c.Stdout, c.Stderr = bytes.NewReader(in), &stdout, &stderr
	if err := c.Run(); err != nil {
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("%s did not answer within %v: a policy's expressions may be too costly for these requests", Binary, Timeout)
		}
		if msg := strings.TrimSpace(stderr.String()); msg != "" {
			return nil, errors.New(strings.TrimPrefix(msg, Binary+": "))
		}
		return nil, fmt.Errorf("run %s: %w", bin, err)
	}
	var resp Response
	dec := json.NewDecoder(&stdout)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&resp); err != nil {
		return nil, fmt.Errorf("reading %s's results: %w", Binary, err)
	}
	if want := len(req.Policies) * len(req.Payloads); len(resp.Results) != want {
		return nil, fmt.Errorf("%s answered %d results, want %d", Binary, len(resp.Results), want)
	}
	return resp.Results, nil
}
