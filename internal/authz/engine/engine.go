package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"reflect"

	authv3 "github.com/envoyproxy/go-control-plane/envoy/service/auth/v3"
	policiesv1 "github.com/kyverno/api/api/policies.kyverno.io/v1"
	authzhttp "github.com/kyverno/kyverno-authz/pkg/cel/libs/authz/http"
	authzcompiler "github.com/kyverno/kyverno-authz/pkg/engine/compiler"
	"github.com/kyverno/sdk/core"
	"github.com/kyverno/sdk/core/dispatchers"
	"github.com/kyverno/sdk/core/handlers"
	"github.com/kyverno/sdk/core/resulters"
	sdkpolicy "github.com/kyverno/sdk/extensions/policy"
	"google.golang.org/protobuf/encoding/protojson"
	"k8s.io/client-go/dynamic"

	"github.com/preadmit/preadmit/internal/authz"
	"github.com/preadmit/preadmit/transform/report"
)

// Serve reads one authz.Request as JSON from in, checks it and writes the
// authz.Response as JSON to out.
func Serve(ctx context.Context, in io.Reader, out io.Writer) error {
	dec := json.NewDecoder(in)
	dec.DisallowUnknownFields()
	var req authz.Request
	if err := dec.Decode(&req); err != nil {
		return fmt.Errorf("reading the request: %w", err)
	}
	results, err := Check(ctx, req)
	if err != nil {
		return err
	}
	return json.NewEncoder(out).Encode(authz.Response{Results: results})
}

// Check checks each payload of req with each of its policies: payload by
// payload, policies in order.
func Check(ctx context.Context, req authz.Request) ([]authz.Result, error) {
	switch req.Mode {
	case authz.Envoy:
		return check(ctx, req, envoyRequest, envoyVerdict)
	case authz.HTTP:
		return check(ctx, req, httpRequest, httpVerdict)
	}
	return nil, fmt.Errorf("evaluation mode %q: expected %s or %s", req.Mode, authz.Envoy, authz.HTTP)
}

// envoyRequest reads an Envoy CheckRequest in protobuf's JSON form, as
// "kyverno test" reads envoyPayloads.
func envoyRequest(b []byte) (*authv3.CheckRequest, error) {
	var r authv3.CheckRequest
	if err := protojson.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// httpRequest reads an HTTP CheckRequest, as "kyverno test" reads
// httpPayloads.
func httpRequest(b []byte) (*authzhttp.CheckRequest, error) {
	var r authzhttp.CheckRequest
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

// envoyVerdict and httpVerdict word a response as the Kyverno CLI does.
func envoyVerdict(r *authv3.CheckResponse) (report.Status, string) {
	if r.GetOkResponse() != nil {
		return report.StatusPass, "request allowed"
	}
	if d := r.GetDeniedResponse(); d != nil {
		return report.StatusFail, fmt.Sprintf("request denied with status code %d", d.GetStatus().GetCode())
	}
	return "", ""
}

func httpVerdict(r *authzhttp.CheckResponse) (report.Status, string) {
	if r.Ok != nil {
		return report.StatusPass, "request allowed"
	}
	if r.Denied != nil {
		return report.StatusFail, "request denied, reason: " + r.Denied.Reason
	}
	return "", ""
}

// check is Check for one mode: IN the request type, OUT the response.
func check[IN, OUT any](ctx context.Context, req authz.Request, read func([]byte) (IN, error), verdict func(OUT) (report.Status, string)) ([]authz.Result, error) {
	type compiled struct {
		name   string
		engine core.Engine[dynamic.Interface, IN, sdkpolicy.Evaluation[OUT]]
	}
	policies := make([]compiled, 0, len(req.Policies))
	for _, p := range req.Policies {
		var vpol policiesv1.ValidatingPolicy
		if err := json.Unmarshal(p.Document, &vpol); err != nil {
			return nil, fmt.Errorf("%s: ValidatingPolicy: %w", p.File, err)
		}
		if got := string(vpol.Spec.EvaluationMode()); got != string(req.Mode) {
			return nil, fmt.Errorf("%s: ValidatingPolicy %s: evaluation mode %q, want %q", p.File, vpol.Name, got, req.Mode)
		}
		c := authzcompiler.NewCompiler[dynamic.Interface, IN, OUT](nil)
		pol, errs := c.Compile(&vpol, nil)
		if len(errs) > 0 {
			return nil, fmt.Errorf("%s: ValidatingPolicy %s: %w", p.File, vpol.Name, errs.ToAggregate())
		}
		policies = append(policies, compiled{vpol.Name, newEngine[IN, OUT](pol)})
	}
	var out []authz.Result
	for _, pl := range req.Payloads {
		in, err := read(pl.Body)
		if err != nil {
			return nil, fmt.Errorf("%s: not %s request: %w", pl.Name, article(req.Mode), err)
		}
		for _, p := range policies {
			res := authz.Result{Policy: p.name, Payload: pl.Name}
			ev := p.engine.Handle(ctx, nil, in)
			switch {
			case ev.Error != nil:
				res.Status, res.Message = report.StatusError, ev.Error.Error()
			case !isNil(ev.Result):
				res.Status, res.Message = verdict(ev.Result)
			}
			if res.Status == "" {
				res.Status, res.Message = report.StatusSkip, "request does not match"
			}
			out = append(out, res)
		}
	}
	return out, nil
}

func article(m authz.Mode) string {
	if m == authz.HTTP {
		return "an HTTP"
	}
	return "an " + string(m)
}

// newEngine is the Kyverno CLI's engine for one compiled policy: its
// validations in order until one answers, that answer the policy's.
func newEngine[IN, OUT any](pol sdkpolicy.Policy[dynamic.Interface, IN, OUT]) core.Engine[dynamic.Interface, IN, sdkpolicy.Evaluation[OUT]] {
	type policy = sdkpolicy.Policy[dynamic.Interface, IN, OUT]
	type evaluation = sdkpolicy.Evaluation[OUT]
	answered := func(out evaluation) bool { return !isNil(out.Result) }
	return core.NewEngine(
		core.MakeSource(pol),
		handlers.Handler(
			dispatchers.Sequential(
				sdkpolicy.EvaluatorFactory[policy](),
				func(context.Context, core.FactoryContext[policy, dynamic.Interface, IN]) core.Breaker[policy, IN, evaluation] {
					return core.MakeBreakerFunc(func(_ context.Context, _ policy, _ IN, out evaluation) bool { return answered(out) })
				},
			),
			func(context.Context, core.FactoryContext[policy, dynamic.Interface, IN]) core.Resulter[policy, IN, evaluation, evaluation] {
				return resulters.NewFirst[policy, IN](func(out evaluation) bool { return answered(out) || out.Error != nil })
			},
		),
	)
}

// isNil reports whether a response is absent: OUT is a pointer.
func isNil(v any) bool {
	rv := reflect.ValueOf(v)
	return !rv.IsValid() || rv.Kind() == reflect.Pointer && rv.IsNil()
}
