// Command genlistmerge writes transform/listmerge/table.go: for every
// built-in Kubernetes type of kyaml's OpenAPI schema, the paths that lead to
// a list merged by key (x-kubernetes-patch-strategy: merge) and its keys, as
// static data. A strategic merge needs nothing else from the schema, and
// static data costs a process nothing at start-up, where building kyaml's
// schema cost every first merge about 10 ms (go generate
// ./transform/listmerge; TestAsKyaml fails when the file is stale).
//
//	go run ./hack/genlistmerge -o transform/listmerge/table.go
package main

import (
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"os"
	"sort"
	"strings"

	"k8s.io/kube-openapi/pkg/validation/spec"
	"sigs.k8s.io/kustomize/kyaml/openapi"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func main() {
	out := flag.String("o", "table.go", "the Go file to write")
	flag.Parse()
	b, err := generate()
	if err == nil {
		err = os.WriteFile(*out, b, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genlistmerge:", err)
		os.Exit(1)
	}
}

// node is a schema position that leads to a merged list. Its children are
// read as kyaml's ResourceSchema reads them: Field looks in the properties,
// then in additionalProperties; Elements in the items of an array.
type node struct {
	merge  bool
	keys   []string // PatchStrategyAndKeyList's keys
	key    string   // PatchStrategyAndKey's key
	fields map[string]*node
	any    *node // additionalProperties
	elem   *node
}

type walker struct {
	root  *spec.Schema
	byRef map[string]*node
}

// resolve follows $refs as kyaml's Field and Elements do; ref is the last
// definition followed, "" for an inline schema.
func (w *walker) resolve(s spec.Schema) (spec.Schema, string, error) {
	ref := ""
	for s.Ref.String() != "" {
		ref = s.Ref.String()
		sc, err := openapi.Resolve(&s.Ref, w.root)
		if err != nil {
			return s, "", fmt.Errorf("%s: %w", ref, err)
		}
		s = *sc
	}
	return s, ref, nil
}

// build returns the node of s, one per definition so that recursive
// types (JSONSchemaProps) end.
func (w *walker) build(s spec.Schema, ref string) (*node, error) {
	if ref != "" {
		if n, ok := w.byRef[ref]; ok {
			return n, nil
		}
	}
	n := &node{fields: map[string]*node{}}
	if ref != "" {
		w.byRef[ref] = n
	}
	rs := &openapi.ResourceSchema{Schema: &s}
	strategy, keys := rs.PatchStrategyAndKeyList()
	_, key := rs.PatchStrategyAndKey()
	for _, part := range strings.Split(strategy, ",") {
		if part == "merge" {
			n.merge, n.keys, n.key = true, keys, key
		}
	}
	for name, p := range s.Properties {
		ps, pref, err := w.resolve(p)
		if err != nil {
			return nil, err
		}
		c, err := w.build(ps, pref)
		if err != nil {
			return nil, err
		}
		n.fields[name] = c
	}
	if s.AdditionalProperties != nil && s.AdditionalProperties.Schema != nil {
		as, aref, err := w.resolve(*s.AdditionalProperties.Schema)
		if err != nil {
			return nil, err
		}
		if n.any, err = w.build(as, aref); err != nil {
			return nil, err
		}
	}
	if len(s.Type) == 1 && s.Type[0] == "array" && s.Items != nil && s.Items.Schema != nil {
		is, iref, err := w.resolve(*s.Items.Schema)
		if err != nil {
			return nil, err
		}
		if n.elem, err = w.build(is, iref); err != nil {
			return nil, err
		}
	}
	return n, nil
}

// relevant reports, to a fixed point, which nodes lead to a merged list;
// the others are dropped, which a merge reads as "no schema": a list
// replaced whole, as under a node without a merge strategy.
func relevant(all []*node) map[*node]bool {
	rel := map[*node]bool{}
	for changed := true; changed; {
		changed = false
		for _, n := range all {
			if rel[n] {
				continue
			}
			r := n.merge || rel[n.any] || rel[n.elem]
			for _, c := range n.fields {
				r = r || rel[c]
			}
			if r {
				rel[n], changed = true, true
			}
		}
	}
	return rel
}

func collect(n *node, seen map[*node]bool, all *[]*node) {
	if n == nil || seen[n] {
		return
	}
	seen[n] = true
	*all = append(*all, n)
	names := make([]string, 0, len(n.fields))
	for name := range n.fields {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		collect(n.fields[name], seen, all)
	}
	collect(n.any, seen, all)
	collect(n.elem, seen, all)
}

// minimise returns a class per node such that two nodes share a class
// when they merge alike and their fields, map values and elements lead to
// nodes of the same classes (irrelevant children counting as none).
func minimise(nodes []*node, rel map[*node]bool) map[*node]int {
	class := map[*node]int{}
	child := func(n *node) int {
		if n == nil || !rel[n] {
			return -1
		}
		return class[n]
	}
	for count := -1; ; {
		sigs := map[string]int{}
		next := make(map[*node]int, len(nodes))
		for _, n := range nodes {
			var b strings.Builder
			fmt.Fprintf(&b, "%v %q %q %d %d", n.merge, n.keys, n.key, child(n.any), child(n.elem))
			names := make([]string, 0, len(n.fields))
			for name, c := range n.fields {
				if rel[c] {
					names = append(names, name)
				}
			}
			sort.Strings(names)
			for _, name := range names {
				fmt.Fprintf(&b, " %q:%d", name, child(n.fields[name]))
			}
			sig := b.String()
			if _, ok := sigs[sig]; !ok {
				sigs[sig] = len(sigs)
			}
			next[n] = sigs[sig]
		}
		class = next
		if len(sigs) == count {
			return class
		}
		count = len(sigs)
	}
}

type root struct {
	apiVersion, kind string
	n                *node
}

func generate() ([]byte, error) {
	openapi.ResetOpenAPI()
	schema := openapi.Schema()
	w := &walker{root: schema, byRef: map[string]*node{}}
	var roots []root
	for _, tm := range typeMetas(schema.Definitions) {
		rs := openapi.SchemaForResourceType(tm)
		if rs == nil {
			continue
		}
		n, err := w.build(*rs.Schema, "")
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", tm.APIVersion, tm.Kind, err)
		}
		roots = append(roots, root{tm.APIVersion, tm.Kind, n})
	}
	var all []*node
	seen := map[*node]bool{}
	for _, r := range roots {
		collect(r.n, seen, &all)
	}
	rel := relevant(all)
	var relNodes []*node
	for _, n := range all {
		if rel[n] {
			relNodes = append(relNodes, n)
		}
	}
	// Nodes that answer every lookup alike (the same keys, the same
	// children, to the bottom) are one node: the table is minimised as a
	// DFA is, by refining classes until children agree.
	class := minimise(relNodes, rel)
	// Number one node per class, in the order collected; 0 is "none".
	var kept []*node
	numbered := map[int]int{}
	for _, n := range relNodes {
		if _, ok := numbered[class[n]]; !ok {
			kept = append(kept, n)
			numbered[class[n]] = len(kept)
		}
	}
	id := func(n *node) int {
		if n == nil || !rel[n] {
			return 0
		}
		return numbered[class[n]]
	}
	var b bytes.Buffer
	fmt.Fprintf(&b, `// Code generated by hack/genlistmerge from kyaml's built-in schema (%s); DO NOT EDIT.

package listmerge

// kyamlVersion is the kyaml schema the table was generated from.
const kyamlVersion = %q

// nodes are the schema positions that lead to a list merged by key; 0 is none.
var nodes = [...]node{
	{},
`, openapi.GetSchemaVersion(), openapi.GetSchemaVersion())
	for _, n := range kept {
		fmt.Fprintf(&b, "\t{")
		if n.merge {
			fmt.Fprintf(&b, "merge: true, keys: %#v, key: %q, ", n.keys, n.key)
		}
		var fields []string
		for name, c := range n.fields {
			if id(c) != 0 {
				fields = append(fields, fmt.Sprintf("{%q, %d}", name, id(c)))
			}
		}
		sort.Strings(fields)
		if len(fields) > 0 {
			fmt.Fprintf(&b, "fields: []field{%s}, ", strings.Join(fields, ", "))
		}
		if id(n.any) != 0 {
			fmt.Fprintf(&b, "any: %d, ", id(n.any))
		}
		if id(n.elem) != 0 {
			fmt.Fprintf(&b, "elem: %d, ", id(n.elem))
		}
		fmt.Fprintf(&b, "},\n")
	}
	fmt.Fprintf(&b, "}\n\n// roots are the built-in types, by apiVersion and kind, and their nodes.\nvar roots = [...]root{\n")
	for _, r := range roots {
		fmt.Fprintf(&b, "\t{%q, %q, %d},\n", r.apiVersion, r.kind, id(r.n))
	}
	fmt.Fprintf(&b, "}\n")
	return format.Source(b.Bytes())
}

// typeMetas are the types the definitions declare in
// x-kubernetes-group-version-kind, as kyaml indexes them, sorted.
func typeMetas(defs spec.Definitions) []yaml.TypeMeta {
	seen := map[yaml.TypeMeta]bool{}
	var out []yaml.TypeMeta
	for _, d := range defs {
		exts, _ := d.Extensions["x-kubernetes-group-version-kind"].([]interface{})
		for _, e := range exts {
			m, ok := e.(map[string]interface{})
			if !ok {
				continue
			}
			g, _ := m["group"].(string)
			v, _ := m["version"].(string)
			k, _ := m["kind"].(string)
			av := v
			if g != "" {
				av = g + "/" + v
			}
			tm := yaml.TypeMeta{APIVersion: av, Kind: k}
			if !seen[tm] {
				seen[tm] = true
				out = append(out, tm)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].APIVersion != out[j].APIVersion {
			return out[i].APIVersion < out[j].APIVersion
		}
		return out[i].Kind < out[j].Kind
	})
	return out
}
