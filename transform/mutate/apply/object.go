package apply

import (
	"errors"
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/apiserver/pkg/admission/plugin/policy/mutating/patch"
	"sigs.k8s.io/kustomize/kyaml/yaml"
	"sigs.k8s.io/structured-merge-diff/v6/typed"

	"github.com/preadmit/preadmit/transform/cel"
)

// Object is one resource under mutation: its YAML node, and its
// unstructured form, which the mutations change in turn. It is not safe
// for concurrent use.
type Object struct {
	node *yaml.Node
	obj  *unstructured.Unstructured
	// typed is obj as the last merge made it, with the converter it
	// belongs to; nil when obj was not made by a merge.
	typed *typed.TypedValue
	tc    managedfields.TypeConverter
	// valid is set once obj is known to convert to its typed form, the
	// check the API server's merge makes of the whole live object: the
	// guarded merges after it convert only the part a configuration
	// touches (mergeTouched).
	valid bool
	// written is the value the node holds (read from it, or written onto
	// it by WriteBack), nil when unknown: WriteBack compares only what
	// differs from it.
	written map[string]any
	// conv is the type converter of convGVK (converter).
	conv    managedfields.TypeConverter
	convGVK schema.GroupVersionKind
	// admittedIn is the namespace Admit gave the resource, which names
	// none: it is not written back. nsWas is what metadata.namespace
	// held before (a null or an empty string), nsHad whether it was there.
	admittedIn string
	nsWas      any
	nsHad      bool
}

// NewObject reads a resource (a document or mapping node) for mutation.
func NewObject(node *yaml.Node) (*Object, error) {
	if node.Kind == yaml.DocumentNode && len(node.Content) > 0 {
		node = node.Content[0]
	}
	v, err := cel.FromNode(node)
	if err != nil {
		return nil, err
	}
	m, ok := v.(map[string]any)
	if !ok || node.Kind != yaml.MappingNode {
		return nil, errors.New("a resource must be a map")
	}
	return &Object{node: node, obj: &unstructured.Unstructured{Object: m}, written: m}, nil
}

// Value is the resource as it stands after the mutations so far, the
// "object" a CEL expression sees. The caller must not modify it.
func (o *Object) Value() map[string]any { return o.obj.Object }

// Admit gives a namespaced resource that names no namespace the namespace
// it is created in, as the API server does before admission (and the
// Kyverno CLI does): its policies see metadata.namespace. The namespace
// is not written back, unless a mutation changes it: the render's output
// keeps naming none, as the chart wrote it.
func (o *Object) Admit(namespace string) {
	meta, ok := o.obj.Object["metadata"].(map[string]any)
	if namespace == "" || !ok || meta["namespace"] != nil && meta["namespace"] != "" {
		return
	}
	o.nsWas, o.nsHad = meta["namespace"]
	o.obj = &unstructured.Unstructured{Object: withNamespace(o.obj.Object, meta, namespace, true)}
	o.admittedIn = namespace
}

// withNamespace is obj, whose metadata is meta, with metadata.namespace
// ns, or without it when set is false; obj and meta are copied, not
// changed.
func withNamespace(obj, meta map[string]any, ns any, set bool) map[string]any {
	m := make(map[string]any, len(meta)+1)
	for k, v := range meta {
		m[k] = v
	}
	if set {
		m["namespace"] = ns
	} else {
		delete(m, "namespace")
	}
	out := make(map[string]any, len(obj))
	for k, v := range obj {
		out[k] = v
	}
	out["metadata"] = m
	return out
}

// Merge is how an ApplyConfiguration is merged.
type Merge int

const (
	// Guarded is the API server's merge (MutatingAdmissionPolicy, and
	// MutatingPolicy by default): a configuration that sets an atomic
	// list, map or struct is an error, not a silent replacement.
	Guarded Merge = iota
	// Atomics lets a configuration replace atomic fields (MutatingPolicy
	// with evaluation.mutateExisting... useServerSideApply), as Kyverno
	// does.
	Atomics
)

// ApplyConfiguration merges cfg (the value of an Object{…} expression)
// into the resource with server-side-apply semantics.
func (o *Object) ApplyConfiguration(cfg map[string]any, merge Merge) error {
	p := &unstructured.Unstructured{Object: cfg}
	gvk := o.obj.GroupVersionKind()
	p.SetGroupVersionKind(gvk)
	if merge == Guarded && o.mergeTouched(p) {
		return nil
	}
	tc := &reuseConverter{TypeConverter: o.converter(), live: o.obj}
	if o.tc == tc.TypeConverter {
		tc.liveTyped = o.typed
	}
	var out runtime.Object
	var err error
	if merge == Atomics {
		out, err = mergeAtomics(tc, o.obj, p)
	} else {
		out, err = patch.ApplyStructuredMergeDiff(tc, o.obj, p)
	}
	if err != nil {
		return err
	}
	u, ok := out.(*unstructured.Unstructured)
	if !ok {
		return fmt.Errorf("merge gave a %T", out)
	}
	o.obj, o.typed, o.tc, o.valid = u, nil, nil, true
	if out == tc.out {
		o.typed, o.tc = tc.outTyped, tc.TypeConverter
	}
	return nil
}

// reuseConverter spares a merge converting the live object when the merge
// before made it: converting an object and back gives the typed value it
// came from, so the one the last merge gave (outTyped) is used again.
type reuseConverter struct {
	managedfields.TypeConverter
	live      runtime.Object
	liveTyped *typed.TypedValue
	out       runtime.Object
	outTyped  *typed.TypedValue
}

func (c *reuseConverter) ObjectToTyped(obj runtime.Object, opts ...typed.ValidationOptions) (*typed.TypedValue, error) {
	if obj == c.live && c.liveTyped != nil {
		return c.liveTyped, nil
	}
	return c.TypeConverter.ObjectToTyped(obj, opts...)
}

func (c *reuseConverter) TypedToObject(v *typed.TypedValue) (runtime.Object, error) {
	out, err := c.TypeConverter.TypedToObject(v)
	c.out, c.outTyped = out, v
	return out, err
}

// mergeAtomics is patch.ApplyStructuredMergeDiff without its guard on
// atomic fields, as Kyverno's MutatingPolicy compiler has it.
func mergeAtomics(tc managedfields.TypeConverter, live, p *unstructured.Unstructured) (runtime.Object, error) {
	pt, err := tc.ObjectToTyped(p)
	if err != nil {
		return nil, fmt.Errorf("failed to convert patch object to typed object: %w", err)
	}
	lt, err := tc.ObjectToTyped(live, typed.AllowDuplicates)
	if err != nil {
		return nil, fmt.Errorf("failed to convert original object to typed object: %w", err)
	}
	merged, err := lt.Merge(pt)
	if err != nil {
		return nil, fmt.Errorf("failed to merge patch: %w", err)
	}
	return tc.TypedToObject(merged)
}

// WriteBack writes the resource's current value onto its YAML node,
// changing only what differs, and reports whether anything changed.
func (o *Object) WriteBack() (bool, error) {
	was := prior{o.written, o.written != nil}
	v := o.obj.Object
	if meta, ok := v["metadata"].(map[string]any); ok && o.admittedIn != "" && meta["namespace"] == o.admittedIn {
		// The namespace Admit gave goes back to what the node held.
		v = withNamespace(v, meta, o.nsWas, o.nsHad)
	}
	changed, err := writeMap(o.node, v, was, 0)
	o.written = v
	if err != nil {
		o.written = nil // the node holds part of it
	}
	return changed, err
}
