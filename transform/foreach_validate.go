package transform

import (
	"errors"
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/conditions"
	"github.com/preadmit/preadmit/transform/report"
	"github.com/preadmit/preadmit/transform/variables"
)

// foreachValidation is one entry of validate.foreach. Patterns apply to the
// element or to the whole resource (elementScope; by default the element
// when it is an object, as Kyverno's AddElementToContext decides); deny
// conditions see element and elementIndex.
type foreachValidation struct {
	list       *variables.Expr
	pathPrefix string
	entries    []contextEntry
	pre        *conditions.Conditions
	// elementScope is the field as written: "true", "false" or "".
	elementScope string
	pattern      *patternCheck
	anyPattern   *anyPatternCheck
	deny         *denyCheck
	nested       validation
	depth        int
}

type foreachValidations []*foreachValidation

func compileForeachValidation(n *yaml.RNode) (validation, error) {
	return compileForeachValidationAt(n, 0)
}

func compileForeachValidationAt(n *yaml.RNode, depth int) (validation, error) {
	if n.YNode().Kind != yaml.SequenceNode {
		return nil, errors.New("foreach must be a list")
	}
	var out foreachValidations
	for i, e := range n.YNode().Content {
		en := yaml.NewRNode(e)
		f := &foreachValidation{elementScope: scalarAt(en, "elementScope"), depth: depth}
		list := scalarAt(en, "list")
		if list == "" {
			return nil, fmt.Errorf("foreach[%d]: list is required", i)
		}
		var err error
		if f.list, err = variables.ParseExpr(trimBraces(list)); err != nil {
			return nil, fmt.Errorf("foreach[%d].list: %w", i, err)
		}
		f.pathPrefix = elementPath(trimBraces(list))
		if f.entries, err = compileContext(field(en, "context")); err != nil {
			return nil, fmt.Errorf("foreach[%d]: %w", i, err)
		}
		if f.pre, err = conditions.Compile(field(en, "preconditions")); err != nil {
			return nil, fmt.Errorf("foreach[%d].preconditions: %w", i, err)
		}
		switch {
		case field(en, "pattern") != nil:
			v, err := compilePattern(field(en, "pattern"))
			if err != nil {
				return nil, fmt.Errorf("foreach[%d]: %w", i, err)
			}
			pc := v.(patternCheck)
			f.pattern = &pc
		case field(en, "anyPattern") != nil:
			v, err := compileAnyPattern(field(en, "anyPattern"))
			if err != nil {
				return nil, fmt.Errorf("foreach[%d]: %w", i, err)
			}
			ac := v.(anyPatternCheck)
			f.anyPattern = &ac
		case field(en, "deny") != nil:
			c, err := conditions.Compile(field(en, "deny", "conditions"))
			if err != nil {
				return nil, fmt.Errorf("foreach[%d].deny: %w", i, err)
			}
			f.deny = &denyCheck{c}
		case field(en, "foreach") != nil:
			if f.nested, err = compileForeachValidationAt(field(en, "foreach"), depth+1); err != nil {
				return nil, fmt.Errorf("foreach[%d]: %w", i, err)
			}
		default:
			return nil, fmt.Errorf("foreach[%d]: expected pattern, anyPattern, deny or foreach", i)
		}
		out = append(out, f)
	}
	return out, nil
}

// elementPath turns "request.object.spec.containers" into the field path
// prefix of its elements, "spec.containers", or "" when the list is not a
// plain path into the resource.
func elementPath(list string) string {
	rest, ok := strings.CutPrefix(list, "request.object.")
	if !ok || strings.ContainsAny(rest, "[]|(){}@ ") {
		return ""
	}
	return rest
}

// validate runs the entries as Kyverno's validateForEach does: a list that
// names a missing field skips its entry, another list error is the rule's
// error only when no entry validated an element, and the first failure or
// error is the rule's.
func (fs foreachValidations) validate(en env) []outcome {
	applied := 0
	var listErr *outcome
	for _, f := range fs {
		o, n, lerr := f.run(en)
		if lerr != nil {
			listErr = lerr
			continue
		}
		applied += n
		if o != nil {
			return []outcome{*o}
		}
	}
	if applied == 0 {
		if listErr != nil {
			return []outcome{*listErr}
		}
		// As Kyverno's validateForEach: with no element validated (lists
		// empty or missing, every element's preconditions false) the rule
		// gives no result at all, not a skip.
		return nil
	}
	return []outcome{{status: report.StatusPass}}
}

// run validates every element as Kyverno's validateElements does; it
// returns the first failure or error, how many elements were validated,
// and an error evaluating the list. A null element is passed over, as are
// elements whose preconditions are not met or cannot be evaluated and
// elements whose check is skipped.
func (f *foreachValidation) run(en env) (*outcome, int, *outcome) {
	v, err := evalList(f.list, en.ctx)
	if err != nil {
		return nil, 0, &outcome{status: report.StatusError, message: fmt.Sprintf("foreach list %s: %v", f.list, err)}
	}
	elems, _ := v.([]interface{})
	applied := 0
	for i, el := range elems {
		if el == nil {
			continue
		}
		scoped, err := f.scoped(el)
		if err != nil {
			return &outcome{status: report.StatusError, message: err.Error()}, applied, nil
		}
		ctx := withElement(en.ctx, el, i, f.depth)
		if ctx, err = en.e.load(f.entries, ctx); err != nil {
			return &outcome{status: report.StatusError, message: err.Error()}, applied, nil
		}
		ok, _, err := f.pre.Evaluate(ctx)
		if err != nil || !ok {
			continue
		}
		sub := env{e: en.e, u: en.u, ctx: ctx}
		o := f.check(sub, el, scoped)
		switch o.status {
		case report.StatusSkip:
			continue
		case report.StatusFail, report.StatusError:
			if o.ctx == nil {
				o.ctx = ctx
			}
			if scoped && (f.pattern != nil || f.anyPattern != nil) {
				o.path = f.elementPath(en, i, el, o.path)
			}
			return &o, applied + 1, nil
		}
		applied++
	}
	return nil, applied, nil
}

// scoped reports whether patterns apply to the element rather than to the
// resource: elementScope when written, else whether the element is an
// object. elementScope true on an element that is not an object is an
// error, as in Kyverno.
func (f *foreachValidation) scoped(el interface{}) (bool, error) {
	_, isMap := el.(map[string]interface{})
	switch f.elementScope {
	case "true":
		if !isMap {
			return false, fmt.Errorf("failed to process foreach: cannot use elementScope=true foreach rules for elements that are not maps, expected type=map got type=%T", el)
		}
		return true, nil
	case "false":
		return false, nil
	}
	return isMap, nil
}

// elementPath prefixes an element-relative failure path with the element's
// place in the resource.
func (f *foreachValidation) elementPath(en env, i int, el interface{}, p string) string {
	if f.pathPrefix != "" {
		return joinPath(fmt.Sprintf("%s[%d]", f.pathPrefix, i), p)
	}
	if at, ok := locate(en.u.node.YNode(), el); ok {
		return joinPath(at, p)
	}
	return p
}

func (f *foreachValidation) check(en env, el interface{}, scoped bool) outcome {
	switch {
	case f.deny != nil:
		return f.deny.check(en)
	case f.nested != nil:
		outs := f.nested.validate(en)
		if len(outs) == 0 {
			return outcome{status: report.StatusSkip}
		}
		return outs[0]
	}
	target := en.u.node
	if scoped {
		n, err := variables.ToRNode(el)
		if err != nil {
			return outcome{status: report.StatusError, message: err.Error()}
		}
		target = n
	}
	if f.pattern != nil {
		return f.pattern.check(en, target)
	}
	return f.anyPattern.check(en, target)
}

func joinPath(prefix, p string) string {
	switch {
	case p == "":
		return prefix
	case prefix == "":
		return p
	case strings.HasPrefix(p, "["):
		return prefix + p
	}
	return prefix + "." + p
}
