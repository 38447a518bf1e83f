package pattern

import (
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// result turns an outcome into a Result; prefix names the anyPattern entry.
func (s *state) result(o outcome, prefix string) Result {
	if o.ok() {
		return Result{Status: Pass}
	}
	path := renderPath(s.path)
	at := "at path " + path
	if path == "" {
		at = "at the document root"
	}
	switch o.kind {
	case skipCondKind:
		return Result{Status: Skip, Path: path, Message: prefix + "skipped: conditional anchor mismatch " + at + ": " + o.detail()}
	case skipGlobalKind:
		return Result{Status: Skip, Path: path, Message: prefix + "skipped: global anchor mismatch " + at + ": " + o.detail()}
	}
	return Result{Status: Fail, Path: path, Message: prefix + "failed " + at + ": " + o.detail()}
}

func (o outcome) detail() string {
	switch o.reason {
	case reasonNoneApply:
		first := o
		first.reason = o.inner
		return "no element satisfies the anchor conditions (first element: " + first.detail() + ")"
	case reasonValue:
		return "expected " + describePattern(o.pat) + ", got " + describeNode(o.actual)
	case reasonNotMap:
		return "expected an object, got " + describeNode(o.actual)
	case reasonNotList:
		return "expected a list, got " + describeNode(o.actual)
	case reasonRequired:
		return `expected a value ("*"), got ` + describeNode(o.actual)
	case reasonForbidden:
		return "field must not be present (negation anchor)"
	case reasonCondKeyMissing:
		return "conditional anchor key is not present"
	case reasonExistence:
		return "no element matches the existence anchor pattern"
	case reasonEmptyList:
		return "the pattern list is empty"
	case reasonShortList:
		return "expected a list of at least " + itoa(o.want) + " elements, got " + itoa(len(o.actual.Content))
	case reasonTooComplex:
		return "resource is too large to match against this pattern"
	}
	return "does not match"
}

func describePattern(p *pnode) string {
	if p == nil {
		return "a value"
	}
	switch p.kind {
	case nodeMap:
		return "an object"
	case nodeList:
		return "a list"
	}
	switch p.value.typ {
	case patNull:
		return "null"
	case patString:
		return strconv.Quote(p.value.raw)
	}
	return p.value.raw
}

// describeNode prints a resource value the way a message should show it:
// scalars as written (strings quoted and cut short), containers by type.
func describeNode(n *yaml.Node) string {
	k := kindOf(n)
	switch k {
	case kindMissing:
		return "nothing (the field is missing)"
	case kindNull:
		return "null"
	case kindString:
		v := n.Value
		if len(v) > 80 {
			v = v[:77] + "..."
		}
		return strconv.Quote(v)
	case kindBool, kindInt, kindFloat:
		return n.Value
	}
	return describeKind(k)
}

func describeKind(k valueKind) string {
	switch k {
	case kindMap:
		return "an object"
	case kindList:
		return "a list"
	case kindMissing:
		return "nothing"
	case kindNull:
		return "null"
	case kindString:
		return "a string"
	case kindBool:
		return "a boolean"
	}
	return "a number"
}

// renderPath prints a path as `spec.containers[0].image`, quoting keys that
// are not plain identifiers: `metadata.labels["app.kubernetes.io/name"]`.
func renderPath(segs []segment) string {
	var b strings.Builder
	for _, sg := range segs {
		switch {
		case sg.index >= 0:
			b.WriteByte('[')
			b.WriteString(strconv.Itoa(sg.index))
			b.WriteByte(']')
		case plainKey(sg.key):
			if b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(sg.key)
		default:
			b.WriteByte('[')
			b.WriteString(strconv.Quote(sg.key))
			b.WriteByte(']')
		}
	}
	return b.String()
}

func plainKey(k string) bool {
	if k == "" {
		return false
	}
	return strings.IndexFunc(k, func(c rune) bool { return !isKeyChar(c) }) < 0
}

func isKeyChar(c rune) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '$'
}

func itoa(i int) string { return strconv.Itoa(i) }
