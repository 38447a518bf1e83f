package transform

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/preadmit/preadmit/transform/cel/libs"
	"github.com/preadmit/preadmit/transform/exception"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
	"github.com/preadmit/preadmit/transform/stream"
	"github.com/preadmit/preadmit/transform/validate/podsecurity"
)

// PolicyExceptions follow Kyverno's engine: an exception that names a rule
// and selects the resource skips the rule before it runs, for every rule
// type; for a validate.podSecurity rule an exception with podSecurity
// controls instead lets the rule run and excuses those controls, and the
// rule is skipped only when nothing is left. On top of Kyverno, an expired
// exception (preadmit.io/expires, spec.expiresAt) no longer applies and
// leaves a warning on every result it would have covered.

// pssExemption is what the podSecurity exceptions covering a rule excuse on
// one resource.
type pssExemption struct {
	by       []*exception.Exception
	excludes []podsecurity.Exclude
}

// startExceptions decides, once per render, which exceptions name each rule
// and the time expiry is judged at.
func (e *run) startExceptions(inStream []*exception.Exception) {
	e.now = time.Now()
	if e.opts.Now != nil {
		e.now = e.opts.Now()
	}
	e.exceptions = append(append([]*exception.Exception(nil), e.opts.Exceptions...), inStream...)
	e.covering = map[*rule][]*exception.Exception{}
	e.cover(e.rules)
}

// cover records the exceptions that name each of rules.
func (e *run) cover(rules []*rule) {
	if len(e.exceptions) == 0 {
		return
	}
	for _, r := range rules {
		for _, x := range e.exceptions {
			if x.Covers(r.policy.Kind, r.policy.Namespace, r.policy.Name, r.src.Name) {
				e.covering[r] = append(e.covering[r], x)
			}
		}
	}
}

// streamExceptions reads the PolicyExceptions of the input stream and
// returns them with the documents to write out: all of them with
// KeepExceptions, else all but the exceptions, which are consumed.
func (e *Engine) streamExceptions(docs []*stream.Document) ([]*exception.Exception, []*stream.Document, error) {
	var xs []*exception.Exception
	var keep []*stream.Document
	var errs exception.Errors
	for _, d := range docs {
		if !exception.IsException(d.Node) {
			keep = append(keep, d)
			continue
		}
		name := fmt.Sprintf("input document %d", d.Index)
		if d.Source != "" {
			name += " (source: " + d.Source + ")"
		}
		x, err := exception.Parse(name, d.Node, e.opts.Namespace)
		var xe *exception.Error
		if errors.As(err, &xe) {
			errs = append(errs, xe)
			continue
		}
		xs = append(xs, x)
		if e.opts.KeepExceptions {
			keep = append(keep, d)
		}
	}
	if len(errs) > 0 {
		return nil, nil, errs
	}
	if e.opts.RequireExceptionMetadata {
		if err := exception.CheckMetadata(xs); err != nil {
			return nil, nil, err
		}
	}
	return xs, keep, nil
}

// exemption is what the exceptions naming a rule do on a resource.
type exemption struct {
	// skipped: they exempt the resource; its result is written.
	skipped bool
	// pss are the podSecurity controls they excuse.
	pss *pssExemption
	// allowed is what fine-grained exceptions allow the rule's CEL
	// expressions (nil when none applies).
	allowed *libs.Exception
}

// applyExceptions applies the exceptions that name rule r to unit u: it
// appends a skip result (and reports skipped) when one exempts the rule, a
// warning for each exception that would have applied but cannot (expired,
// CEL matchConditions, failing conditions), and returns the podSecurity
// exclusions to run a podSecurity rule with, and what fine-grained
// exceptions (spec.images, spec.allowedValues) allow. As in Kyverno, an
// exception that exempts wins over fine-grained ones, and the latter's
// lists add up.
func (e *run) applyExceptions(r *rule, u *unit, out *Output) exemption {
	xs := e.covering[r]
	if len(xs) == 0 {
		return exemption{}
	}
	if r.policy.Kind == policy.KindVAP || r.policy.Kind == policy.KindMAP {
		// The API server enforces its admission policies itself: no
		// Kyverno PolicyException reaches them, in the cluster or in the
		// Kyverno CLI. Named, so that the exception is not taken for one
		// that works.
		for _, x := range xs {
			out.log.add(r.result(u, warning(fmt.Sprintf("PolicyException %s not applied: it names %s %s, which the API server enforces out of reach of Kyverno's exceptions", x.Key(), r.policy.Kind, r.policy.Name))))
		}
		return exemption{}
	}
	var active []*exception.Exception
	for _, x := range xs {
		if !x.Selects(&u.res) {
			continue
		}
		if x.HasConditions() {
			ok, err := e.exceptionConditions(x, u)
			if err != nil {
				out.log.add(r.result(u, warning(fmt.Sprintf("PolicyException %s not applied: conditions: %v", x.Key(), err))))
				continue
			}
			if !ok {
				continue
			}
		}
		if x.HasCELConditions() {
			ok, err := e.exceptionCELConditions(x, r, u)
			if err != nil {
				out.log.add(r.result(u, warning(fmt.Sprintf("PolicyException %s not applied: matchConditions: %v", x.Key(), err))))
				continue
			}
			if !ok {
				continue
			}
		}
		if w, ok := e.inForce(x); !ok {
			out.log.add(r.result(u, w))
			continue
		}
		active = append(active, x)
	}
	if len(active) == 0 {
		return exemption{}
	}
	allowed, exempts := fineGrained(active)
	if !exempts {
		// Fine-grained exceptions exempt nothing, whatever rule they
		// name: a rule that cannot read what they allow runs as written.
		return exemption{allowed: allowed}
	}
	if !r.isPodSecurity() {
		out.log.add(r.result(u, exempted(active)))
		return exemption{skipped: true}
	}
	var plain []*exception.Exception
	ps := &pssExemption{}
	for _, x := range active {
		if len(x.PodSecurity) == 0 {
			plain = append(plain, x)
			continue
		}
		ps.by = append(ps.by, x)
		ps.excludes = append(ps.excludes, x.PodSecurity...)
	}
	if len(plain) > 0 {
		out.log.add(r.result(u, exempted(plain)))
		return exemption{skipped: true}
	}
	return exemption{pss: ps}
}

// fineGrained adds up what the fine-grained exceptions among xs allow, and
// reports whether one of xs exempts the resource instead.
func fineGrained(xs []*exception.Exception) (*libs.Exception, bool) {
	allowed := &libs.Exception{}
	for _, x := range xs {
		if !x.FineGrained() {
			return nil, true
		}
		allowed.AllowedImages = append(allowed.AllowedImages, x.Images...)
		allowed.AllowedValues = append(allowed.AllowedValues, x.AllowedValues...)
	}
	return allowed, false
}

// inForce reports whether an exception that selects a resource applies to
// it, or the warning that says why not: a feature preadmit does not
// support, or its expiry.
func (e *run) inForce(x *exception.Exception) (outcome, bool) {
	switch {
	case x.Unsupported != "":
		return warning(fmt.Sprintf("PolicyException %s not applied: %s", x.Key(), x.Unsupported)), false
	case x.Expired(e.now):
		return warning(expiredMessage(x)), false
	}
	return outcome{}, true
}

func (e *Engine) exceptionConditions(x *exception.Exception, u *unit) (bool, error) {
	ctx, err := e.unitContext(u, needObject|needImages)
	if err != nil {
		return false, err
	}
	return x.ConditionsHold(ctx)
}

func (r *rule) isPodSecurity() bool {
	_, ok := r.validate.(podSecurityCheck)
	return ok
}

func warning(msg string) outcome { return outcome{status: report.StatusWarn, message: msg} }

// exempted is the outcome of a rule the exceptions exempt: skip, or pass
// when the one that decides asks for it (reportResult: pass): as in
// Kyverno, the first of them unless a later one has a higher priority
// (LabelPriority).
func exempted(xs []*exception.Exception) outcome {
	o := outcome{status: report.StatusSkip}
	keys := make([]string, len(xs))
	msgs := make([]string, len(xs))
	decides := 0
	for i, x := range xs {
		if x.Priority > xs[decides].Priority {
			decides = i
		}
		keys[i] = x.Key()
		msgs[i] = describe(x)
	}
	if xs[decides].ReportPass {
		o.status = report.StatusPass
	}
	o.exception = strings.Join(keys, ",")
	o.message = "skipped by " + strings.Join(msgs, "; ")
	return o
}

// describe names an exception with its owner, reason and expiry.
func describe(x *exception.Exception) string {
	var meta []string
	if x.Owner != "" {
		meta = append(meta, "owner: "+x.Owner)
	}
	if x.Reason != "" {
		meta = append(meta, "reason: "+x.Reason)
	}
	if d := x.LastDay(); d != "" {
		meta = append(meta, "until "+d)
	}
	s := "PolicyException " + x.Key()
	if len(meta) > 0 {
		s += " (" + strings.Join(meta, ", ") + ")"
	}
	return s
}

func expiredMessage(x *exception.Exception) string {
	owner := x.Owner
	if owner == "" {
		owner = "no owner given"
	}
	when := "at " + x.LastDay()
	if x.ExpiresDate {
		when = "after " + x.LastDay()
	}
	return fmt.Sprintf("PolicyException %s expired %s (owner: %s): it no longer applies; renew its expiry or fix the resource", x.Key(), when, owner)
}
