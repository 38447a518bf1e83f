package transform

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/preadmit/preadmit/transform/exception"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
	"github.com/preadmit/preadmit/transform/stream"
	"github.com/preadmit/preadmit/transform/variables"
)

// Engine is a compiled set of policies: compiled once by New and not
// changed by a render, so one Engine serves many renders, at once or one
// after another. What a render learns from its stream (its ConfigMaps,
// Namespaces and PolicyExceptions) lives in that render's own value (run).
// The caches it fills as kinds are met are safe for concurrent use.
type Engine struct {
	opts   Options
	rules  []*rule
	kindMu sync.Mutex // documents render concurrently
	byKind map[string][]*rule
	// base is the context every resource's context starts from: the
	// values given on the command line.
	base *variables.Context
	// readsConfigMaps and readsNamespaces are set, once, when a rule reads
	// the stream's ConfigMaps (a configMap context entry) or Namespaces (a
	// namespaceSelector, by namespace labels).
	readsConfigMaps, readsNamespaces bool
	// kinds holds the request.kind value of every kind seen (kindValue).
	kindsMu sync.RWMutex
	kinds   map[gvk]map[string]interface{}
	// celKinds are the kinds CEL rules read from the stream, and hasCEL
	// whether any rule is written in CEL: both set once, in New.
	celKinds []string
	hasCEL   bool
}

// New compiles every rule of every policy once. Problems are returned as
// policy.Errors naming file, policy and rule.
func New(opts Options) (*Engine, error) {
	if opts.Namespace == "" {
		opts.Namespace = "default"
	}
	if opts.Limits == (stream.Limits{}) {
		opts.Limits = stream.DefaultLimits
	}
	e := &Engine{opts: opts, byKind: map[string][]*rule{}, base: variables.NewContext(), kinds: map[gvk]map[string]interface{}{}}
	if opts.Now != nil {
		e.base.SetClock(opts.Now)
	}
	for k, v := range opts.Variables {
		e.base.Set(k, v)
	}
	e.base.Clone() // the base is shared by concurrent renders from now on
	var errs policy.Errors
	for _, p := range opts.Policies {
		failed := map[string]bool{}
		for _, r := range p.Rules {
			cr, err := compileRule(p, r, opts.Mode, p.Checked)
			if err != nil {
				// An autogen rule repeats its source rule's defect at a
				// longer path: report the rule the author wrote, once.
				if !failed[r.AutogenOf] {
					errs = append(errs, &policy.Error{File: p.File, Policy: p.Name, Rule: r.Name, Err: err})
				}
				failed[r.Name] = true
				continue
			}
			e.rules = append(e.rules, cr)
		}
	}
	errs = append(errs, clusterCallErrors(e.rules, opts)...)
	if len(errs) > 0 {
		return nil, errs
	}
	e.readsConfigMaps, e.readsNamespaces = e.usesConfigMaps(), e.usesNamespaceSelector()
	e.hasCEL = e.writtenInCEL()
	e.celKinds = e.celStreamKinds()
	if opts.RequireExceptionMetadata {
		if err := exception.CheckMetadata(opts.Exceptions); err != nil {
			return nil, err
		}
	}
	return e, nil
}

// Output is the result of a render.
type Output struct {
	Docs []*stream.Document
	// Results are the rule results in document order: all of them, or
	// with Options.FindingsOnly only fail, warn and error.
	Results []report.Result
	// Totals counts every result, kept in Results or not.
	Totals report.Totals
	// Resources counts the resources rules were evaluated on.
	Resources int
	// Mutated counts the documents a mutate rule changed.
	Mutated int
	// log collects Results during the render.
	log resultLog
}

// Bytes returns the rendered stream.
func (o *Output) Bytes() ([]byte, error) { return stream.Bytes(o.Docs) }

// WriteTo writes the rendered stream to w, as Bytes returns it but without
// joining it first; only w can fail once the first byte is written.
func (o *Output) WriteTo(w io.Writer) (int64, error) { return stream.Write(w, o.Docs) }

// Violations returns the failures of rules in Enforce.
func (o *Output) Violations() []report.Result {
	var out []report.Result
	for _, r := range o.Results {
		if r.Violation() {
			out = append(out, r)
		}
	}
	return out
}

// Render reads a stream, mutates and validates every resource, and returns
// the documents and results. Input problems are *stream.InputError values;
// a PolicyException in the stream that cannot be used is an
// *exception.Error. The stream's PolicyExceptions apply to this render and,
// unless Options.KeepExceptions, are consumed: left out of Output.Docs.
// With Options.Compact the documents come back as bytes (see renderCompact).
// Renders of one Engine may run concurrently: each keeps its own state.
func (e *Engine) Render(in []byte) (*Output, error) {
	if e.opts.Compact {
		out, err := e.newRun().renderCompact(in)
		switch {
		case errors.Is(err, errReparse):
			// A document of the stream does not parse: the whole-stream
			// reading reports it as always (its line in the whole
			// stream, the first such document), without a second render.
			if _, rerr := stream.Read(in, e.opts.Limits); rerr != nil {
				return nil, rerr
			}
		case !errors.Is(err, errFallback):
			return out, err
		}
	}
	docs, err := stream.Read(in, e.opts.Limits)
	if err != nil {
		return nil, err
	}
	return e.RenderDocuments(docs)
}

// RenderDocuments mutates and validates documents already parsed, such as
// the items of a KRM ResourceList (see stream.FromNodes). Mutations change
// each document's Node in place and set Changed. PolicyExceptions among the
// documents are applied and, unless Options.KeepExceptions, left out of
// Output.Docs.
func (e *Engine) RenderDocuments(docs []*stream.Document) (*Output, error) {
	inStream, keep, err := e.streamExceptions(docs)
	if err != nil {
		return nil, err
	}
	r := e.newRun()
	r.startExceptions(inStream)
	r.collectConfigMaps(keep)
	r.collectNamespaces(keep)
	if err := r.celStreamErr(); err != nil {
		return nil, err
	}
	return r.renderAll(keep, false)
}

func (e *run) renderDoc(d *stream.Document, out *Output) error {
	// mutated is set once a mutate rule ran on a unit of the document;
	// changed when one edited the document (the mechanisms report real
	// edits, errors after a partial edit included), which is what makes
	// it encoded again.
	mutated, changed := false, false
	for _, u := range unitsOf(d, e.opts.Namespace) {
		m, c := e.renderUnit(u, mutated, out)
		mutated, changed = mutated || m, changed || c
	}
	if changed {
		d.Changed = true
		out.Mutated++
	}
	return nil
}

// renderUnit runs the mutate rules that select a unit, then the validate
// rules on the result. mutated says a mutate rule ran on an earlier unit of
// the document, after which every unit is matched again as it now is.
func (e *run) renderUnit(u *unit, mutated bool, out *Output) (ran, changed bool) {
	e.asSubresource(&u.res)
	u.res.NamespaceLabels = e.namespaceLabels(u.res.Namespace)
	out.Resources++
	rules := e.withStreamRules(e.rulesFor(u))
	if len(rules) == 0 {
		return false, false
	}
	for _, r := range rules {
		if r.mutate == nil || !e.selects(r, u) {
			continue
		}
		ran = true
		if e.mutateUnit(r, u, out) {
			u.dirty, changed = true, true
			if r.cel == nil {
				u.cel = nil // a CEL mutation keeps it as it left the node
			}
		}
	}
	if mutated || ran {
		// Mutations may change labels or names: match validation
		// rules against the mutated resource, as Kyverno does.
		u.identify(e.opts.Namespace)
		e.asSubresource(&u.res)
		u.res.NamespaceLabels = e.namespaceLabels(u.res.Namespace)
		u.dirty = true
	}
	for _, r := range rules {
		if r.mutate != nil || !e.selects(r, u) || (r.validate == nil && r.unsupported == "") {
			continue
		}
		e.validateUnit(r, u, out)
	}
	return ran, changed
}

// mutateUnit runs a mutate rule that selects the unit and reports whether
// it edited the resource.
func (e *run) mutateUnit(r *rule, u *unit, out *Output) (applied bool) {
	ex := e.applyExceptions(r, u, out)
	if ex.skipped {
		return false
	}
	if r.unsupported != "" {
		out.log.add(r.result(u, r.unsupportedOutcome()))
		return false
	}
	en, skip := r.prepare(e, u)
	if skip != nil {
		out.log.add(r.result(u, *skip))
		return false
	}
	en.allowed = ex.allowed
	// applied reports a real change: the mechanisms tell a patch the
	// resource already satisfied from one that edited it.
	applied, err := r.mutate.apply(en)
	switch {
	case err != nil:
		out.log.add(r.result(u, mutationErrorOutcome(err)))
	case applied:
		out.log.add(r.result(u, outcome{status: report.StatusPass, message: "mutated"}))
	default:
		// As Kyverno: a rule that matched but changed nothing (its
		// anchors did not hold, or the resource already had the values)
		// is skipped with "no patches applied"; a CEL policy's passes.
		out.log.add(r.result(u, r.unchangedOutcome()))
	}
	return applied
}

// validateUnit runs a validate rule (or one that cannot run) that selects
// the unit.
func (e *run) validateUnit(r *rule, u *unit, out *Output) {
	ex := e.applyExceptions(r, u, out)
	if ex.skipped {
		return
	}
	if r.unsupported != "" {
		out.log.add(r.result(u, r.unsupportedOutcome()))
		return
	}
	deleting := e.operation(r, u) == "DELETE"
	if _, ok := r.validate.(podSecurityCheck); ok && deleting {
		return // Kyverno skips PSS on a deleted resource: no response
	}
	en, skip := r.prepare(e, u)
	if skip != nil {
		out.log.add(r.result(u, *skip))
		return
	}
	if deleting && validatesResource(r.validate) {
		return // as Kyverno's validateResourceWithRule: no response
	}
	en.pss, en.allowed = ex.pss, ex.allowed
	for _, o := range r.validate.validate(en) {
		if o.status == report.StatusFail {
			men := en
			if o.ctx != nil {
				men.ctx = o.ctx
			}
			o.message = joinMessage(r.ruleMessage(men), o.message)
		}
		out.log.add(r.result(u, o))
	}
}

// ruleMessage is validate.message with its variables substituted.
func (r *rule) ruleMessage(en env) string {
	if r.message == nil {
		return ""
	}
	if en.ctx == nil && variablesIn(r.message) {
		ctx, err := en.e.unitContext(en.u, needObject|needImages)
		if err != nil {
			return err.Error()
		}
		en.ctx = ctx
	}
	v, err := r.message.Value(en.ctx)
	if err != nil {
		return fmt.Sprintf("(message: %v)", err)
	}
	return fmt.Sprint(v)
}

func variablesIn(t *variables.Template) bool { return t.HasVariables() }

func joinMessage(ruleMsg, detail string) string {
	switch {
	case ruleMsg == "":
		return detail
	case detail == "":
		return ruleMsg
	}
	return ruleMsg + ": " + detail
}

// rulesFor returns the rules whose match block could select the unit's
// kind, computed once per kind. The rules of checked policies are compiled
// here, on the first kind they could select.
func (e *Engine) rulesFor(u *unit) []*rule {
	key := u.res.APIVersion + "/" + u.res.Kind
	e.kindMu.Lock()
	defer e.kindMu.Unlock()
	if rs, ok := e.byKind[key]; ok {
		return rs
	}
	var rs []*rule
	for _, r := range e.rules {
		if r.match.MatchesKind(u.res.Group, u.res.Version, u.res.Kind) || r.cel.mayMatch() {
			r.compilePending()
			rs = append(rs, r)
		}
	}
	e.byKind[key] = rs
	return rs
}
