package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"sort"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"

	"github.com/preadmit/preadmit/transform/stream"
)

// verdict is one (policy, rule, resource) result of a render, as both
// reports give it: Kyverno's policy report and preadmit's JSON report.
type verdict struct {
	Policy, Rule, Resource, Status string
}

// resourceID names a resource as both reports do:
// apiVersion/Kind/namespace/name, the namespace empty for a cluster-scoped
// resource.
func resourceID(apiVersion, kind, namespace, name string) string {
	return apiVersion + "/" + kind + "/" + namespace + "/" + name
}

// kyvernoReport reads the policy reports `kyverno apply --policy-report
// --output-format json` prints on stdout after its mutation lines: one
// ClusterReport, or, when a namespaced policy gave results, a PolicyReport
// per namespace too, separated by "---". A run whose rules matched nothing
// prints none: no verdicts.
func kyvernoReport(stdout string) ([]verdict, error) {
	i := strings.Index(stdout, `{"kind":`)
	if i < 0 {
		return nil, nil
	}
	var out []verdict
	for _, doc := range strings.Split(stdout[i:], "\n---\n") {
		if doc = strings.TrimSpace(doc); doc == "" {
			continue
		}
		var rep struct {
			Kind    string
			Results []struct {
				Policy, Rule, Result string
				Resources            []struct{ APIVersion, Kind, Namespace, Name string }
			}
		}
		if err := json.Unmarshal([]byte(doc), &rep); err != nil {
			return nil, fmt.Errorf("kyverno policy report: %w", err)
		}
		for _, r := range rep.Results {
			if len(r.Resources) != 1 {
				return nil, fmt.Errorf("kyverno policy report: result %s/%s names %d resources, want 1", r.Policy, r.Rule, len(r.Resources))
			}
			res := r.Resources[0]
			out = append(out, verdict{r.Policy, r.Rule, resourceID(res.APIVersion, res.Kind, res.Namespace, res.Name), r.Result})
		}
	}
	return out, nil
}

// preadmitReport reads preadmit's JSON report (docs/report-json.md).
func preadmitReport(b []byte) ([]verdict, error) {
	var rep struct {
		Results []struct {
			Resource struct{ APIVersion, Kind, Namespace, Name string }
			Policy   string
			Rule     string
			Status   string
		}
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		return nil, fmt.Errorf("preadmit report: %w", err)
	}
	out := make([]verdict, 0, len(rep.Results))
	for _, r := range rep.Results {
		out = append(out, verdict{r.Policy, r.Rule, resourceID(r.Resource.APIVersion, r.Resource.Kind, r.Resource.Namespace, r.Resource.Name), r.Status})
	}
	return out, nil
}

// diffVerdicts compares the verdicts per (policy, rule, resource): one line
// for each key whose statuses differ, "-" where a tool gave none.
func diffVerdicts(preadmit, kyverno []verdict) []string {
	type key struct{ Policy, Rule, Resource string }
	statuses := func(vs []verdict) map[key][]string {
		m := map[key][]string{}
		for _, v := range vs {
			k := key{v.Policy, v.Rule, v.Resource}
			m[k] = append(m[k], v.Status)
		}
		for _, s := range m {
			slices.Sort(s)
		}
		return m
	}
	p, k := statuses(preadmit), statuses(kyverno)
	keys := map[key]bool{}
	for x := range p {
		keys[x] = true
	}
	for x := range k {
		keys[x] = true
	}
	var out []string
	for x := range keys {
		ps, ks := strings.Join(p[x], ","), strings.Join(k[x], ",")
		if ps == ks {
			continue
		}
		out = append(out, fmt.Sprintf("verdict %s %s/%s: preadmit %s, kyverno %s", x.Resource, x.Policy, x.Rule, orDash(ps), orDash(ks)))
	}
	sort.Strings(out)
	return out
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// object is one parsed resource of a stream.
type object struct {
	APIVersion, Kind, Namespace, Name string
	Value                             map[string]any
}

func (o object) ID() string { return resourceID(o.APIVersion, o.Kind, o.Namespace, o.Name) }

// parseObjects parses every non-empty document of a stream into plain
// objects (JSON types), with Kyverno's null map rewriting applied, so that
// two streams compare as objects, not bytes.
func parseObjects(b []byte) ([]object, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, nil
	}
	docs, err := stream.Read(b, stream.DefaultLimits)
	if err != nil {
		return nil, err
	}
	var out []object
	for _, d := range docs {
		if d.Node == nil {
			continue
		}
		var v map[string]any
		if err := yaml.Unmarshal(d.Raw, &v); err != nil {
			return nil, fmt.Errorf("document %d: %w", d.Index, err)
		}
		if v == nil {
			continue
		}
		normalizeNilMaps(v)
		meta, _ := v["metadata"].(map[string]any)
		str := func(m map[string]any, k string) string { s, _ := m[k].(string); return s }
		out = append(out, object{str(v, "apiVersion"), str(v, "kind"), str(meta, "namespace"), str(meta, "name"), v})
	}
	return out, nil
}

// nilMapFields are the fields the Kyverno CLI reads as an empty map when
// they are null, wherever they sit (normalizeNilMaps in
// cmd/cli/kubectl-kyverno/resource/resource.go). The API server drops such a
// null, so either form means "no entries".
var nilMapFields = map[string]bool{
	"annotations": true, "labels": true, "matchLabels": true, "nodeSelector": true,
	"data": true, "stringData": true,
}

// normalizeNilMaps rewrites those nulls to {} as Kyverno's CLI does: through
// maps and lists of maps.
func normalizeNilMaps(m map[string]any) {
	for k, v := range m {
		switch v := v.(type) {
		case nil:
			if nilMapFields[k] {
				m[k] = map[string]any{}
			}
		case map[string]any:
			normalizeNilMaps(v)
		case []any:
			for _, e := range v {
				if e, ok := e.(map[string]any); ok {
					normalizeNilMaps(e)
				}
			}
		}
	}
}

// diffObjects compares preadmit's output with Kyverno's mutated resources.
// Kyverno's CLI writes a resource once per mutate policy it ran, the last
// write being the result; a resource it did not write (no mutate policy)
// is the input as it was. in is the input, by position as preadmit keeps
// it; the namespace "default" Kyverno sets on a namespaced resource that
// names none is left out.
func diffObjects(in, preadmit, kyverno []object) ([]string, error) {
	if len(in) != len(preadmit) {
		return nil, fmt.Errorf("%d resources in, %d out of preadmit", len(in), len(preadmit))
	}
	final := map[string]map[string]any{}
	for _, o := range kyverno {
		final[o.ID()] = o.Value
	}
	seen := map[string]bool{}
	var out []string
	for i, o := range in {
		id := o.ID()
		if seen[id] {
			return nil, fmt.Errorf("resource %s is in the input twice: Kyverno's output cannot tell them apart", id)
		}
		seen[id] = true
		if preadmit[i].ID() != id {
			return nil, fmt.Errorf("resource %d: %s in, %s out of preadmit", i, id, preadmit[i].ID())
		}
		want := o.Value
		if k, ok := final[id]; ok {
			want = k
		} else if o.Namespace == "" {
			if k, ok := final[resourceID(o.APIVersion, o.Kind, "default", o.Name)]; ok {
				want = withoutNamespace(k)
			}
		}
		got := preadmit[i].Value
		for _, d := range diffValues("", got, want) {
			out = append(out, "object "+id+" "+d)
		}
	}
	sort.Strings(out)
	return out, nil
}

// withoutNamespace returns a copy of v whose metadata has no namespace.
func withoutNamespace(v map[string]any) map[string]any {
	meta, ok := v["metadata"].(map[string]any)
	if !ok || meta["namespace"] != "default" {
		return v
	}
	m := make(map[string]any, len(meta))
	for k, x := range meta {
		if k != "namespace" {
			m[k] = x
		}
	}
	c := make(map[string]any, len(v))
	for k, x := range v {
		c[k] = x
	}
	c["metadata"] = m
	return c
}

// diffValues lists the paths where got (preadmit) and want (Kyverno)
// differ, each with both values.
func diffValues(path string, got, want any) []string {
	gm, gok := got.(map[string]any)
	wm, wok := want.(map[string]any)
	if gok && wok {
		keys := map[string]bool{}
		for k := range gm {
			keys[k] = true
		}
		for k := range wm {
			keys[k] = true
		}
		var out []string
		for _, k := range slices.Sorted(mapKeys(keys)) {
			g, gin := gm[k]
			w, win := wm[k]
			switch {
			case !win:
				out = append(out, fmt.Sprintf("%s.%s: preadmit %s, kyverno -", path, k, brief(g)))
			case !gin:
				out = append(out, fmt.Sprintf("%s.%s: preadmit -, kyverno %s", path, k, brief(w)))
			default:
				out = append(out, diffValues(path+"."+k, g, w)...)
			}
		}
		return out
	}
	gl, gok := got.([]any)
	wl, wok := want.([]any)
	if gok && wok && len(gl) == len(wl) {
		var out []string
		for i := range gl {
			out = append(out, diffValues(fmt.Sprintf("%s[%d]", path, i), gl[i], wl[i])...)
		}
		return out
	}
	if reflect.DeepEqual(got, want) {
		return nil
	}
	if path == "" {
		path = "."
	}
	return []string{fmt.Sprintf("%s: preadmit %s, kyverno %s", path, brief(got), brief(want))}
}

func mapKeys(m map[string]bool) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// brief is a value as compact JSON, cut to keep a difference on one line.
func brief(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	if len(b) > 160 {
		return string(b[:157]) + "..."
	}
	return string(b)
}

// TestDiffVerdicts pins the comparison of verdicts without the binary.
func TestDiffVerdicts(t *testing.T) {
	p := []verdict{{"a", "r", "v1/Pod/default/x", "pass"}, {"a", "r", "v1/Pod/default/y", "fail"}, {"a", "s", "v1/Pod/default/x", "skip"}}
	k := []verdict{{"a", "r", "v1/Pod/default/y", "fail"}, {"a", "r", "v1/Pod/default/x", "error"}, {"b", "r", "v1/Pod/default/x", "pass"}}
	got := diffVerdicts(p, k)
	want := []string{
		"verdict v1/Pod/default/x a/r: preadmit pass, kyverno error",
		"verdict v1/Pod/default/x a/s: preadmit skip, kyverno -",
		"verdict v1/Pod/default/x b/r: preadmit -, kyverno pass",
	}
	if !slices.Equal(got, want) {
		t.Errorf("diffVerdicts:\n got %q\nwant %q", got, want)
	}
	if d := diffVerdicts(p, []verdict{p[2], p[0], p[1]}); len(d) != 0 {
		t.Errorf("the same verdicts in another order: %q", d)
	}
}

// TestDiffObjects pins the object comparison: parsed, not bytes; Kyverno's
// last write of a resource wins; its null map rewriting and the "default"
// namespace it sets are not differences; a resource Kyverno did not write
// is compared with the input.
func TestDiffObjects(t *testing.T) {
	parse := func(s string) []object {
		t.Helper()
		o, err := parseObjects([]byte(s))
		if err != nil {
			t.Fatal(err)
		}
		return o
	}
	in := parse("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  annotations:\nspec: {a: 1}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ns1}\n")
	pre := parse("apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n  annotations:   # kept\nspec:\n  a: 1.0\n  b: [1, 2]\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ns1}\n")
	ky := parse("apiVersion: v1\nkind: Pod\nmetadata: {name: x, namespace: default, annotations: {}}\nspec: {a: 1}\n---\n" +
		"apiVersion: v1\nkind: Pod\nmetadata: {name: x, namespace: default, annotations: {}}\nspec: {a: 1, b: [1, 2]}\n")
	if d, err := diffObjects(in, pre, ky); err != nil || len(d) != 0 {
		t.Errorf("equal objects: %q, %v", d, err)
	}
	ky2 := parse("apiVersion: v1\nkind: Pod\nmetadata: {name: x, namespace: default}\nspec: {a: 1, b: [1, 3], c: x}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: ns1, labels: {l: v}}\n")
	got, err := diffObjects(in, pre, ky2)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"object v1/Namespace//ns1 .metadata.labels: preadmit -, kyverno {\"l\":\"v\"}",
		"object v1/Pod//x .metadata.annotations: preadmit {}, kyverno -",
		"object v1/Pod//x .spec.b[1]: preadmit 2, kyverno 3",
		"object v1/Pod//x .spec.c: preadmit -, kyverno \"x\"",
	}
	if !slices.Equal(got, want) {
		t.Errorf("diffObjects:\n got %q\nwant %q", got, want)
	}
}

// TestKyvernoReport reads the policy reports as Kyverno v1.19 prints them
// after the mutation lines, and no report at all.
func TestKyvernoReport(t *testing.T) {
	out := "\n\nMutation:\nMutation has been applied successfully." +
		`{"kind":"ClusterReport","apiVersion":"openreports.io/v1alpha1","results":[{"policy":"p","rule":"autogen-r","result":"fail",` +
		`"resources":[{"kind":"Deployment","namespace":"default","name":"web","apiVersion":"apps/v1"}]}]}` + "\n"
	got, err := kyvernoReport(out)
	if err != nil {
		t.Fatal(err)
	}
	if want := []verdict{{"p", "autogen-r", "apps/v1/Deployment/default/web", "fail"}}; !slices.Equal(got, want) {
		t.Errorf("got %v, want %v", got, want)
	}
	if got, err := kyvernoReport("\n"); err != nil || got != nil {
		t.Errorf("no report: %v, %v", got, err)
	}

	// A namespaced policy's results are in a PolicyReport of their
	// namespace, after the ClusterReport.
	out = "Mutation:\nMutation has been applied successfully.---\n" +
		`{"kind":"ClusterReport","results":[{"policy":"c","result":"pass","resources":[{"kind":"Pod","name":"a","apiVersion":"v1"}]}]}` + "\n---\n" +
		`{"kind":"PolicyReport","metadata":{"namespace":"ns"},"results":[{"policy":"ns/n","result":"fail","resources":[{"kind":"Pod","namespace":"ns","name":"b","apiVersion":"v1"}]}]}` + "\n"
	got, err = kyvernoReport(out)
	if err != nil {
		t.Fatal(err)
	}
	if want := []verdict{{"c", "", "v1/Pod//a", "pass"}, {"ns/n", "", "v1/Pod/ns/b", "fail"}}; !slices.Equal(got, want) {
		t.Errorf("several reports: got %v, want %v", got, want)
	}
}
