package kyvernotest

import (
	"encoding/json"
	"fmt"
	"os"
	"reflect"
	"sort"
	"strings"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/stream"
	"github.com/preadmit/preadmit/transform/variables"
)

// patchedDoc is one resource of a patchedResources file.
type patchedDoc struct {
	res resource
	obj interface{}
}

// notInFileError is a patched resources file that does not hold the
// resource: "kyverno test" shows no row for it unless the result sets
// failOnMissingResources.
type notInFileError struct {
	file string
	res  resource
}

func (e *notInFileError) Error() string {
	return fmt.Sprintf("%s holds no %s %s %s/%s", e.file, e.res.apiVersion, e.res.kind, e.res.effective, e.res.name)
}

// comparePatched compares a resource with its expected version in file, as
// "kyverno test" does: for a mutate rule, the resource as the policy at idx
// (and those before it) left it; for a validate rule, as every mutation
// left it. The objects, with empty values dropped, must be equal;
// formatting, key order and comments do not matter. It returns a
// description of the differences, or "".
func (r *runner) comparePatched(file string, x *rendered, idx int, phase policy.RuleType, u resource) (string, error) {
	path := resolve(r.dir, file)
	docs, err := r.loadPatched(path)
	if err != nil {
		return "", err
	}
	var want interface{}
	found := false
	for _, d := range docs {
		if d.res.apiVersion == u.apiVersion && d.res.kind == u.kind && d.res.name == u.name && d.res.effective == u.effective {
			want, found = d.obj, true
			break
		}
	}
	if !found {
		return "", &notInFileError{file: file, res: u}
	}
	out := x.out
	if phase == policy.RuleMutation {
		if out, err = r.outputAfter(x, idx); err != nil {
			return "", err
		}
	}
	n := u.key.node(out.Docs)
	if n == nil {
		return "", fmt.Errorf("resource %s/%s is missing from the rendered output", u.kind, u.name)
	}
	got, err := variables.FromRNode(n)
	if err != nil {
		return "", err
	}
	want, got = tidy(want), tidy(got)
	if reflect.DeepEqual(want, got) {
		return "", nil
	}
	var lines []string
	diff("", want, got, &lines)
	if len(lines) > 20 {
		lines = append(lines[:20], fmt.Sprintf("... and %d more", len(lines)-20))
	}
	return strings.Join(lines, "\n"), nil
}

func (r *runner) loadPatched(path string) ([]patchedDoc, error) {
	if docs, ok := r.patched[path]; ok {
		return docs, nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	in, err := stream.Read(b, stream.DefaultLimits)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	var docs []patchedDoc
	for _, d := range in {
		if d.Node == nil {
			continue
		}
		obj, err := variables.FromRNode(d.Node)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		res := newResource(d.Node, unitKey{})
		if m, ok := obj.(map[string]interface{}); ok && res.namespace == "" && res.effective != "" {
			// As "kyverno test" loads it (see asLoaded).
			meta, _ := m["metadata"].(map[string]interface{})
			if meta == nil {
				meta = map[string]interface{}{}
				m["metadata"] = meta
			}
			meta["namespace"] = res.effective
		}
		docs = append(docs, patchedDoc{res: res, obj: obj})
	}
	r.patched[path] = docs
	return docs, nil
}

// outputAfter returns the run with the policies up to idx: what Kyverno
// compares a policy's patched resource with. It is the whole run unless
// a later policy mutates too.
func (r *runner) outputAfter(x *rendered, idx int) (*transform.Output, error) {
	ps := r.set.policies
	if !hasMutation(ps[idx+1:]) {
		return x.out, nil
	}
	if out, ok := x.prefixes[idx]; ok {
		return out, nil
	}
	out, err := r.render(ps[:idx+1], x.operation)
	if err != nil {
		return nil, err
	}
	x.prefixes[idx] = out
	return out, nil
}

// tidy drops null values and empty objects and lists, recursively, as the
// Kyverno CLI does before comparing resources.
func tidy(v interface{}) interface{} {
	switch x := v.(type) {
	case map[string]interface{}:
		out := map[string]interface{}{}
		for k, e := range x {
			if e = tidy(e); e != nil {
				out[k] = e
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	case []interface{}:
		var out []interface{}
		for _, e := range x {
			if e = tidy(e); e != nil {
				out = append(out, e)
			}
		}
		if len(out) == 0 {
			return nil
		}
		return out
	}
	return v
}

// diff describes how got differs from want, one line per field:
// "- path: value" only expected, "+ path: value" only in the output,
// "~ path: expected X, got Y".
func diff(path string, want, got interface{}, lines *[]string) {
	wm, wok := want.(map[string]interface{})
	gm, gok := got.(map[string]interface{})
	if wok && gok {
		keys := map[string]bool{}
		for k := range wm {
			keys[k] = true
		}
		for k := range gm {
			keys[k] = true
		}
		sorted := make([]string, 0, len(keys))
		for k := range keys {
			sorted = append(sorted, k)
		}
		sort.Strings(sorted)
		for _, k := range sorted {
			p := k
			if path != "" {
				p = path + "." + k
			}
			w, inW := wm[k]
			g, inG := gm[k]
			switch {
			case !inG:
				*lines = append(*lines, fmt.Sprintf("- %s: %s", p, brief(w)))
			case !inW:
				*lines = append(*lines, fmt.Sprintf("+ %s: %s", p, brief(g)))
			default:
				diff(p, w, g, lines)
			}
		}
		return
	}
	wl, wok := want.([]interface{})
	gl, gok := got.([]interface{})
	if wok && gok && len(wl) == len(gl) {
		for i := range wl {
			diff(fmt.Sprintf("%s[%d]", path, i), wl[i], gl[i], lines)
		}
		return
	}
	if !reflect.DeepEqual(want, got) {
		*lines = append(*lines, fmt.Sprintf("~ %s: expected %s, got %s", orRoot(path), brief(want), brief(got)))
	}
}

func orRoot(p string) string {
	if p == "" {
		return "(root)"
	}
	return p
}

// brief renders a value on one line (JSON), shortened.
func brief(v interface{}) string {
	b, err := json.Marshal(v)
	s := string(b)
	if err != nil {
		s = fmt.Sprint(v)
	}
	if len(s) > 80 {
		s = s[:77] + "..."
	}
	return s
}
