package images

import (
	"fmt"
	"io"
	"strings"
)

// Format is an output format of "preadmit images".
type Format string

// The -o values.
const (
	FormatLines  Format = "lines"
	FormatJSON   Format = "json"
	FormatSkopeo Format = "skopeo"
	FormatCrane  Format = "crane"
)

// ParseFormat reads an -o value; "" is lines.
func ParseFormat(s string) (Format, error) {
	switch f := Format(strings.ToLower(s)); f {
	case "":
		return FormatLines, nil
	case FormatLines, FormatJSON, FormatSkopeo, FormatCrane:
		return f, nil
	}
	return "", fmt.Errorf("unknown output format %q: expected lines, json, skopeo or crane", s)
}

// Write prints the set in a format. Crane needs a mirror.
func Write(w io.Writer, f Format, s *Set, m Mirror) error {
	switch f {
	case FormatJSON:
		return writeJSON(w, s, m)
	case FormatSkopeo:
		return writeSkopeo(w, s, m)
	case FormatCrane:
		return writeCrane(w, s, m)
	}
	return writeLines(w, s, m)
}

// copies returns the images a mirror must receive, with their names there:
// images already under the mirror or excluded are not copied.
func copies(s *Set, m Mirror) ([]*Image, []string, error) {
	var ims []*Image
	var dst []string
	for _, im := range s.Images {
		to, err := m.Rewrite(im.Ref)
		if err != nil {
			return nil, nil, err
		}
		if m.Registry != "" && to == im.Ref {
			continue
		}
		ims, dst = append(ims, im), append(dst, to)
	}
	return ims, dst, nil
}
