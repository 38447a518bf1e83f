package images

import (
	"fmt"
	"strings"
)

// Path is one --image-path entry, "Kind:field.path": the image fields of a
// kind that is not a pod template, e.g. "Prometheus:spec.image" or
// "Workflow:spec.templates[].container.image". A segment ending in "[]"
// stands for every element of a list. Fields are matched by exact name;
// names holding dots cannot be written.
type Path struct {
	Kind string
	segs []segment
	text string
}

type segment struct {
	field string
	list  bool
}

// PathError reports an --image-path entry that does not parse.
type PathError struct {
	Path string
	Msg  string
}

func (e *PathError) Error() string {
	return fmt.Sprintf("--image-path %q: %s (expected Kind:field.path, e.g. Prometheus:spec.image or Workflow:spec.templates[].container.image)", e.Path, e.Msg)
}

// ParsePath reads one "Kind:field.path" entry.
func ParsePath(s string) (Path, error) {
	kind, fields, ok := strings.Cut(strings.TrimSpace(s), ":")
	if !ok {
		return Path{}, &PathError{Path: s, Msg: "no ':' between kind and field path"}
	}
	kind, fields = strings.TrimSpace(kind), strings.TrimSpace(fields)
	if kind == "" || strings.ContainsAny(kind, " \t/.[]") {
		return Path{}, &PathError{Path: s, Msg: fmt.Sprintf("invalid kind %q", kind)}
	}
	if fields == "" {
		return Path{}, &PathError{Path: s, Msg: "empty field path"}
	}
	p := Path{Kind: kind, text: kind + ":" + fields}
	for _, f := range strings.Split(fields, ".") {
		seg := segment{field: f}
		if name, ok := strings.CutSuffix(f, "[]"); ok {
			seg = segment{field: name, list: true}
		}
		if seg.field == "" || strings.ContainsAny(seg.field, "[] \t") {
			return Path{}, &PathError{Path: s, Msg: fmt.Sprintf("invalid field %q", f)}
		}
		p.segs = append(p.segs, seg)
	}
	return p, nil
}

// ParsePaths reads every entry, each possibly a comma-separated list.
func ParsePaths(entries []string) ([]Path, error) {
	var out []Path
	for _, e := range entries {
		for _, s := range strings.Split(e, ",") {
			if strings.TrimSpace(s) == "" {
				continue
			}
			p, err := ParsePath(s)
			if err != nil {
				return nil, err
			}
			out = append(out, p)
		}
	}
	return out, nil
}
