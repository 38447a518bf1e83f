package schema

import (
	"sort"
	"strconv"
	"strings"

	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
)

// hint returns the nearest field name the schema allows where the unknown
// field at path is, or "". It walks the document beside the schema, since
// a map key on the way may itself hold dots.
func hint(doc interface{}, s *structuralschema.Structural, path string) string {
	parent, name := locate(doc, s, path)
	if parent == nil {
		return ""
	}
	names := make([]string, 0, len(parent.Properties))
	for k := range parent.Properties {
		names = append(names, k)
	}
	sort.Strings(names)
	return nearest(name, names)
}

// locate finds the schema of the object that holds the last field of path,
// and that field's name.
func locate(x interface{}, s *structuralschema.Structural, path string) (*structuralschema.Structural, string) {
	if s == nil {
		return nil, ""
	}
	switch x := x.(type) {
	case map[string]interface{}:
		if _, ok := x[path]; ok {
			return s, path
		}
		for k, v := range x {
			rest, ok := strings.CutPrefix(path, k)
			if !ok || rest == "" || (rest[0] != '.' && rest[0] != '[') {
				continue
			}
			child := childSchema(s, k)
			if p, name := locate(v, child, strings.TrimPrefix(rest, ".")); p != nil {
				return p, name
			}
		}
	case []interface{}:
		if !strings.HasPrefix(path, "[") {
			return nil, ""
		}
		end := strings.IndexByte(path, ']')
		i, err := strconv.Atoi(path[1:max(end, 1)])
		if end < 0 || err != nil || i < 0 || i >= len(x) {
			return nil, ""
		}
		return locate(x[i], s.Items, strings.TrimPrefix(path[end+1:], "."))
	}
	return nil, ""
}

func childSchema(s *structuralschema.Structural, key string) *structuralschema.Structural {
	if p, ok := s.Properties[key]; ok {
		return &p
	}
	if s.AdditionalProperties != nil {
		return s.AdditionalProperties.Structural
	}
	return nil
}

// nearest returns the candidate closest to name by edit distance, ignoring
// case, when it is near enough to be the one meant: a few letters off, or
// the same letters in another case.
func nearest(name string, candidates []string) string {
	best, bestDist := "", -1
	for _, c := range candidates {
		d := distance(strings.ToLower(name), strings.ToLower(c))
		if bestDist < 0 || d < bestDist {
			best, bestDist = c, d
		}
	}
	if bestDist < 0 || bestDist > max(2, len(name)/3) {
		return ""
	}
	return best
}

// distance is the Levenshtein distance of a and b, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
