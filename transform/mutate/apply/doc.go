// Package apply applies the mutations of CEL policies (Kyverno's
// MutatingPolicy, Kubernetes' MutatingAdmissionPolicy) to one resource held
// as a *yaml.Node: an ApplyConfiguration merged with server-side-apply
// semantics by the API server's own code
// (k8s.io/apiserver/pkg/admission/plugin/policy/mutating/patch and
// structured-merge-diff, list merge keys from the built-in types' schemas),
// and a JSONPatch applied by the json-patch library the API server uses.
// A guarded merge runs on the part of the resource the configuration
// touches and a JSON Patch on the deepest map its operations work in, and
// each puts the result back, which gives what the whole resource gives
// (see mergeTouched and Object.JSONPatch; tests hold both to the whole).
//
// The mutations work on the resource's unstructured form; Object.WriteBack
// then writes only the difference onto the original node, so untouched
// keys keep their order, comments and style, and a resource a mutation
// leaves equal keeps its bytes. It must not evaluate CEL (the caller
// evaluates the expressions and hands in their values) and must not
// re-implement server-side apply.
package apply
