package transform

import (
	"bytes"
	"slices"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/admissionmatch"
	"github.com/preadmit/preadmit/transform/cel"
	"github.com/preadmit/preadmit/transform/stream"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// celState is what CEL rules read beside the resource, set at the start
// of each render: the Namespaces (namespaceObject), the parameter objects
// (params) and the REST mapping with the CRDs known.
type celState struct {
	mapper admissionmatch.Mapper
	// namespaces are the stream's and Options' Namespace objects by name.
	namespaces map[string]celObject
	// objects are the candidate parameter objects: Options.CELObjects and
	// the stream's documents.
	objects []celObject
	// rules are those of the ValidatingAdmissionPolicies the stream
	// ships with their bindings; err is why some do not compile.
	rules []*rule
	err   error
}

// celObject is a document a paramRef may select. Its CEL value is
// converted on first use, once: most documents of a stream are never a
// parameter or a namespaceObject.
type celObject struct {
	apiVersion, kind, namespace, name string
	labels                            map[string]string
	value                             func() (any, error)
}

// writtenInCEL reports whether any rule is written in CEL.
func (e *Engine) writtenInCEL() bool {
	return slices.ContainsFunc(e.rules, (*rule).writtenInCEL)
}

// writtenInCEL reports whether the rule is written in CEL. It reads the
// rule as written, not as compiled: a rule of the checked library is
// compiled on first use, concurrently with renders.
func (r *rule) writtenInCEL() bool {
	return r.cel != nil || r.src.CEL != nil || r.src.Field("validate", "cel") != nil
}

// celRule is the CEL part of a rule: a CEL policy's rule, or a
// validate.cel block; nil for other rules.
func (r *rule) celRule() *celRule {
	if r.cel != nil {
		return r.cel
	}
	c, _ := r.validate.(*celRule)
	return c
}

// collectCEL reads, once per render, what CEL rules read beside the
// resource. Nothing is done when no rule is written in CEL.
func (e *run) collectCEL(docs []*stream.Document) {
	e.cel = nil
	streamRules, err := e.streamAdmissionPolicies(docs)
	if !e.hasCEL && len(streamRules) == 0 && err == nil {
		return
	}
	e.cover(streamRules)
	st := &celState{namespaces: map[string]celObject{}, rules: streamRules, err: err}
	add := func(n *yaml.RNode) {
		if n == nil || n.YNode().Kind != yaml.MappingNode {
			return
		}
		st.mapper.AddCRD(n)
		o := celObjectOf(n)
		if o.kind == "" {
			return
		}
		if o.kind == "Namespace" && o.apiVersion == "v1" {
			if _, seen := st.namespaces[o.name]; !seen {
				st.namespaces[o.name] = o
			}
		}
		st.objects = append(st.objects, o)
	}
	for _, n := range e.opts.CELObjects {
		add(n)
	}
	for _, d := range docs {
		add(d.Node)
	}
	e.cel = st
}

func celObjectOf(n *yaml.RNode) celObject {
	root := n.YNode()
	meta := yamlnode.Field(root, "metadata")
	o := celObject{
		apiVersion: yamlnode.Scalar(yamlnode.Field(root, "apiVersion")),
		kind:       yamlnode.Scalar(yamlnode.Field(root, "kind")),
		namespace:  yamlnode.Scalar(yamlnode.Field(meta, "namespace")),
		name:       yamlnode.Scalar(yamlnode.Field(meta, "name")),
		labels:     stringMap(yamlnode.Field(meta, "labels")),
	}
	o.value = sync.OnceValues(func() (any, error) { return cel.FromNode(root) })
	return o
}

// namespaceObject is the resource's Namespace as the namespaceObject
// binding gives it: the stream's or Options' object when there is one,
// else a Namespace with the name and the labels known; nil for a
// cluster-scoped resource.
func (e *run) namespaceObject(u *unit) any {
	ns := u.res.Namespace
	if ns == "" {
		return nil
	}
	if e.cel != nil {
		// A Namespace that does not convert (nested past
		// yamlnode.MaxDepth) is read as the one made from its labels.
		if o, ok := e.cel.namespaces[ns]; ok {
			if v, err := o.value(); err == nil {
				return v
			}
		}
	}
	labels := map[string]any{}
	for k, v := range e.namespaceLabels(ns) {
		labels[k] = v
	}
	labels[metadataNameLabel] = ns
	meta := map[string]any{"name": ns, "labels": labels}
	if a := e.opts.NamespaceAnnotations[ns]; len(a) > 0 {
		annotations := make(map[string]any, len(a))
		for k, v := range a {
			annotations[k] = v
		}
		meta["annotations"] = annotations
	}
	return map[string]any{"apiVersion": "v1", "kind": "Namespace", "metadata": meta}
}

// celStreamKinds are the kinds CEL rules read from the stream beside
// Namespaces: their parameter kinds and CustomResourceDefinitions (for the
// REST mapping). A compact render parses them ahead.
func (e *Engine) celStreamKinds() []string {
	if !e.hasCEL {
		return nil
	}
	kinds := []string{"CustomResourceDefinition"}
	for _, r := range e.rules {
		if c := r.celRule(); c != nil && c.params != nil {
			kinds = append(kinds, c.params.kind.Kind)
		}
	}
	return kinds
}

// celStreamInput reports whether a document's text may be one of them.
func (e *Engine) celStreamInput(raw []byte) bool {
	for _, k := range e.celKinds {
		if bytes.Contains(raw, []byte(k)) {
			return true
		}
	}
	return false
}

// celStreamKind reports whether a kind is one of them.
func (e *Engine) celStreamKind(kind string) bool {
	return slices.Contains(e.celKinds, kind)
}

// celNamespaceLabels are the labels of a namespace the stream or Options
// give, with kubernetes.io/metadata.name.
func (e *run) celNamespaceLabels(ns string) map[string]string {
	out := map[string]string{metadataNameLabel: ns}
	if e.cel == nil {
		return out
	}
	for k, v := range e.opts.NamespaceLabels[ns] {
		out[k] = v
	}
	for k, v := range e.cel.namespaces[ns].labels {
		out[k] = v
	}
	return out
}
