package apply

import (
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/util/managedfields"
	"k8s.io/apiserver/pkg/admission/plugin/policy/mutating/patch"
	"sigs.k8s.io/structured-merge-diff/v6/typed"
)

// mergeTouched is the guarded merge of p done on the part of the resource
// p touches, and reports whether it did it; when it did not (the merge
// failed), the caller merges the whole resource, which gives the API
// server's own error.
//
// A guarded merge never replaces a map: a configuration that sets an
// atomic map, struct or list is refused (validatePatch), so every map of a
// merged configuration merges key by key, and a key the configuration
// does not set keeps its value. Merging the resource restricted to the
// keys p sets (touched), then putting the result back (graft), therefore
// gives the resource the whole merge gives, without walking and copying
// the rest of it, which most mutations leave alone. The whole resource is
// still converted once, as the API server's merge converts it, so that a
// resource its schema refuses is an error as there.
func (o *Object) mergeTouched(p *unstructured.Unstructured) bool {
	tc := o.converter()
	if !o.check(tc) {
		return false
	}
	if len(p.Object) == 2 {
		// Object{}: apiVersion and kind, which are the resource's; the
		// merge gives the resource as it is.
		return true
	}
	part := &unstructured.Unstructured{Object: touched(o.obj.Object, p.Object)}
	out, err := patch.ApplyStructuredMergeDiff(tc, part, p)
	if err != nil {
		return false
	}
	merged, ok := out.(*unstructured.Unstructured)
	if !ok {
		return false
	}
	o.obj = &unstructured.Unstructured{Object: graft(o.obj.Object, merged.Object, p.Object)}
	o.typed, o.tc = nil, nil
	return true
}

// check reports whether the whole resource converts to its typed form, as
// the API server's merge converts it, once.
func (o *Object) check(tc managedfields.TypeConverter) bool {
	if !o.valid {
		_, err := tc.ObjectToTyped(o.obj, typed.AllowDuplicates)
		o.valid = err == nil
	}
	return o.valid
}

// converter is typeConverter for the resource's kind, looked up once per
// kind the resource has.
func (o *Object) converter() managedfields.TypeConverter {
	gvk := o.obj.GroupVersionKind()
	if o.conv == nil || o.convGVK != gvk {
		o.conv, o.convGVK = typeConverter(gvk), gvk
	}
	return o.conv
}

// touched is live restricted to the keys cfg sets, descending into the
// maps both have; lists and scalars are kept whole, so that a list merges
// by its keys as in the whole resource.
func touched(live, cfg map[string]any) map[string]any {
	out := make(map[string]any, len(cfg))
	for k, c := range cfg {
		l, ok := live[k]
		if !ok {
			continue
		}
		lm, lok := l.(map[string]any)
		cm, cok := c.(map[string]any)
		if lok && cok {
			out[k] = touched(lm, cm)
			continue
		}
		out[k] = l
	}
	return out
}

// graft is live with merged, the merge of touched(live, cfg), put back: a
// key cfg sets takes its merged value (grafted in turn where touched
// descended), any other key keeps live's value. Maps are copied along
// the way, never changed: the values of live may be read elsewhere.
func graft(live, merged, cfg map[string]any) map[string]any {
	out := make(map[string]any, len(live)+len(cfg))
	for k, v := range live {
		if _, set := cfg[k]; !set {
			out[k] = v
		}
	}
	for k, m := range merged {
		lm, lok := live[k].(map[string]any)
		cm, cok := cfg[k].(map[string]any)
		mm, mok := m.(map[string]any)
		if lok && cok && mok {
			out[k] = graft(lm, mm, cm)
			continue
		}
		out[k] = m
	}
	return out
}
