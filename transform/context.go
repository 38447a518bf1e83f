package transform

import (
	"encoding/csv"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/variables"
)

// need says which expensive parts of a unit's context a rule reads:
// request.object (the whole resource converted) and images (every image
// reference parsed).
type need uint8

const (
	needObject need = 1 << iota
	needImages
)

// unitContext returns the variables context of a unit, built on first use
// and rebuilt after a mutation changed the unit. The resource and its images
// are converted only for rules that can read them.
func (e *Engine) unitContext(u *unit, n need) (*variables.Context, error) {
	if u.dirty {
		u.ctx, u.has, u.dirty = nil, 0, false
	}
	if u.ctx != nil && u.has&n == n {
		return u.ctx, nil
	}
	n |= u.has
	// The request object is built whole, on any request values given
	// (--set request.x=...), rather than key by key through Set.
	base, _ := e.base.Get("request")
	given, _ := base.(map[string]interface{})
	req := make(map[string]interface{}, len(given)+6)
	for k, v := range given {
		req[k] = v
	}
	if n&needObject != 0 {
		obj, err := variables.FromResource(u.node)
		if err != nil {
			return nil, fmt.Errorf("reading resource for variables: %w", err)
		}
		admitNamespace(obj, u.res.Namespace)
		req["object"] = obj
	}
	req["operation"] = "CREATE"
	req["namespace"] = u.res.Namespace
	req["name"] = u.res.Name
	req["kind"] = e.kindValue(u.res.Group, u.res.Version, u.res.Kind)
	top := map[string]interface{}{"request": req}
	if ui := e.opts.UserInfo; ui != nil {
		setUserInfo(top, req, ui)
	} else {
		req["userInfo"] = noUserInfo
		top["serviceAccountName"], top["serviceAccountNamespace"] = "", ""
	}
	if n&needImages != 0 {
		if images, err := variables.ResourceImages(u.node); err == nil && images != nil {
			top["images"] = images
		}
	}
	ctx := e.base.Over(top)
	u.ctx, u.has = ctx, n
	return ctx, nil
}

// admitNamespace gives obj, a resource value of its own, the namespace ns
// it is created in when it names none, as the API server does before
// admission and the Kyverno CLI does: request.object.metadata.namespace
// is the namespace (ns is "" for a cluster-scoped kind).
func admitNamespace(obj any, ns string) {
	m, _ := obj.(map[string]interface{})
	meta, ok := m["metadata"].(map[string]interface{})
	if ns != "" && ok && (meta["namespace"] == nil || meta["namespace"] == "") {
		meta["namespace"] = ns
	}
}

// noUserInfo is request.userInfo at render time: nobody. Contexts share
// it; a Set below it copies it first, as Set does with every shared map.
var noUserInfo = map[string]interface{}{"username": "", "groups": []interface{}{}}

// kindValue is request.kind for a kind, built once per kind and shared
// (read-only, as noUserInfo).
func (e *Engine) kindValue(group, version, kind string) map[string]interface{} {
	key := gvk{group, version, kind}
	e.kindsMu.RLock()
	v, ok := e.kinds[key]
	e.kindsMu.RUnlock()
	if ok {
		return v
	}
	e.kindsMu.Lock()
	defer e.kindsMu.Unlock()
	if v, ok = e.kinds[key]; !ok {
		v = map[string]interface{}{"group": group, "version": version, "kind": kind}
		e.kinds[key] = v
	}
	return v
}

type gvk struct{ group, version, kind string }

// needsOf is a conservative reading of what a rule's scalars can reach:
// request.object (or the whole context through "@" or a bare "request"),
// and the images variable. Only rules for which a part is plainly out of
// reach get a context without it. It reads the scalars' values, not the
// rule's YAML text, where a double-quoted scalar writes the quoted
// identifier request."object" as request.\"object\" and a comment's words
// ("the images ...") would count.
func needsOf(rule *yaml.Node) need {
	var b strings.Builder
	scalarValues(rule, &b)
	text := b.String()
	var n need
	if readsObject().MatchString(text) {
		n |= needObject
	}
	if strings.Contains(text, "images") {
		n |= needImages
	}
	return n
}

// scalarValues writes the value of every scalar under n to b, one a line.
func scalarValues(n *yaml.Node, b *strings.Builder) {
	if n == nil {
		return
	}
	if n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	if n.Kind == yaml.ScalarNode {
		b.WriteString(n.Value)
		b.WriteByte('\n')
	}
	for _, c := range n.Content {
		scalarValues(c, b)
	}
}

// readsObject is a conservative test of whether a rule's expressions can
// read request.object (or the whole context through "@" or a bare
// "request"): only rules for which it is false get a context without the
// resource.
var readsObject = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`@|request\s*(\.\s*(object|oldObject)|[^.\sa-zA-Z0-9_]|$)|request\s*\.\s*"`)
})

// contextEntry is a compiled entry of a rule's (or foreach's) context list.
type contextEntry struct {
	name  string
	value *variables.Template
	// path is the variable's jmesPath, static or holding variables.
	path jmesPath
	def  *variables.Template
	// configMap names a ConfigMap ("namespace/name" templates).
	cmName, cmNamespace *variables.Template
	// external explains why an entry that needs a cluster (apiCall,
	// imageRegistry, globalReference) cannot be resolved at render time;
	// it resolves only to a value given for its name (Options.Values or
	// Options.Variables).
	external string
	// apiCall and globalRef are set for those entries, which mocks can
	// answer (Options.APICallResponses, Options.GlobalContext).
	apiCall   *apiCallEntry
	globalRef *globalRefEntry
}

// compileContext compiles a context list. Entries that need a cluster
// (apiCall, imageRegistry, globalReference) are kept with the reason they
// cannot be loaded: a rule that uses one reports an error unless a value is
// given for the entry's name.
func compileContext(n *yaml.RNode) ([]contextEntry, error) {
	if n == nil || n.YNode().Kind != yaml.SequenceNode {
		return nil, nil
	}
	var out []contextEntry
	for i, en := range n.YNode().Content {
		e := yaml.NewRNode(en)
		name := scalarAt(e, "name")
		if name == "" {
			return nil, fmt.Errorf("context[%d]: name is required", i)
		}
		ce := contextEntry{name: name}
		switch {
		case e.Field("variable") != nil:
			v := e.Field("variable").Value
			var err error
			if f := v.Field("value"); f != nil {
				if ce.value, err = variables.Compile(f.Value); err != nil {
					return nil, fmt.Errorf("context %s: value: %w", name, err)
				}
			}
			if ce.path, err = compileJMESPath(scalarAt(v, "jmesPath")); err != nil {
				return nil, fmt.Errorf("context %s: jmesPath: %w", name, err)
			}
			if f := v.Field("default"); f != nil {
				if ce.def, err = variables.Compile(f.Value); err != nil {
					return nil, fmt.Errorf("context %s: default: %w", name, err)
				}
			}
		case e.Field("configMap") != nil:
			cm := e.Field("configMap").Value
			var err error
			if ce.cmName, err = variables.Compile(yaml.NewScalarRNode(scalarAt(cm, "name"))); err != nil {
				return nil, fmt.Errorf("context %s: configMap.name: %w", name, err)
			}
			if ce.cmNamespace, err = variables.Compile(yaml.NewScalarRNode(scalarAt(cm, "namespace"))); err != nil {
				return nil, fmt.Errorf("context %s: configMap.namespace: %w", name, err)
			}
		case e.Field("apiCall") != nil:
			ce.external = fmt.Sprintf("context %s uses apiCall, which needs the Kubernetes API server; it cannot be resolved at render time", name)
			var err error
			if ce.apiCall, err = compileAPICall(e.Field("apiCall").Value); err != nil {
				return nil, fmt.Errorf("context %s: apiCall: %w", name, err)
			}
		case e.Field("imageRegistry") != nil:
			ce.external = fmt.Sprintf("context %s uses imageRegistry, which needs registry access; it cannot be resolved at render time", name)
		case e.Field("globalReference") != nil:
			ce.external = fmt.Sprintf("context %s uses globalReference, which needs in-cluster global context entries; it cannot be resolved at render time", name)
			var err error
			if ce.globalRef, err = compileGlobalRef(e.Field("globalReference").Value); err != nil {
				return nil, fmt.Errorf("context %s: globalReference: %w", name, err)
			}
		default:
			return nil, fmt.Errorf("context %s: expected variable, configMap, apiCall, imageRegistry or globalReference", name)
		}
		out = append(out, ce)
	}
	return out, nil
}

// load evaluates the entries in order into ctx (each may use the previous).
func (e *run) load(entries []contextEntry, ctx *variables.Context) (*variables.Context, error) {
	if len(entries) == 0 {
		return ctx, nil
	}
	ctx = ctx.Clone()
	for _, ce := range entries {
		// Mocks answer before values, as in kyverno test, where they
		// load the entry over a value of the same name.
		if v, ok, err := e.mocked(ce, ctx); ok || err != nil {
			if err != nil {
				return nil, fmt.Errorf("context %s: %w", ce.name, err)
			}
			setEntry(ctx, ce.name, v)
			continue
		}
		if ce.external != "" || ce.cmName != nil {
			// A value given for the entry stands in for the cluster, as
			// the Kyverno CLI's values file does.
			if _, given := ctx.Get(ce.name); given {
				continue
			}
		}
		if ce.external != "" {
			return nil, &unsupportedError{reason: ce.external}
		}
		v, err := e.evalEntry(ce, ctx)
		if err != nil {
			return nil, fmt.Errorf("context %s: %w", ce.name, err)
		}
		if ce.cmName != nil {
			setEntry(ctx, ce.name, v)
		} else {
			ctx.Set(ce.name, v)
		}
	}
	return ctx, nil
}

// mocked answers an apiCall or globalReference entry from the mocks of
// Options; ok is false when they do not answer it.
func (e *Engine) mocked(ce contextEntry, ctx *variables.Context) (v interface{}, ok bool, err error) {
	switch {
	case ce.apiCall != nil:
		return e.mockedAPICall(ce.apiCall, ctx)
	case ce.globalRef != nil && e.opts.GlobalContext != nil:
		v, err := e.globalReference(ce.globalRef, ctx)
		return v, true, err
	}
	return nil, false, nil
}

func (e *run) evalEntry(ce contextEntry, ctx *variables.Context) (interface{}, error) {
	if ce.cmName != nil {
		name, err := ce.cmName.Value(ctx)
		if err != nil {
			return nil, err
		}
		ns, err := ce.cmNamespace.Value(ctx)
		if err != nil {
			return nil, err
		}
		key := fmt.Sprint(ns) + "/" + fmt.Sprint(name)
		cm, ok := e.configMaps[key]
		if !ok {
			return nil, fmt.Errorf("ConfigMap %s is neither in the input stream nor in --context-file", key)
		}
		return cm, nil
	}
	var v interface{}
	var err error
	if ce.value != nil {
		if v, err = ce.value.Value(ctx); err != nil {
			return nil, err
		}
	}
	path, err := ce.path.expr(ctx)
	if err != nil {
		return nil, err
	}
	if path != nil {
		if ce.value != nil {
			// jmesPath applies to the value when both are given.
			v, err = path.EvaluateOn(ctx, v)
		} else {
			v, err = path.Evaluate(ctx)
		}
		if err != nil && ce.def == nil {
			return nil, err
		}
	}
	if (v == nil || err != nil) && ce.def != nil {
		return ce.def.Value(ctx)
	}
	return v, nil
}

func scalarAt(n *yaml.RNode, path ...string) string {
	v, err := n.Pipe(yaml.Lookup(path...))
	if err != nil || v == nil || v.YNode().Kind != yaml.ScalarNode {
		return ""
	}
	return v.YNode().Value
}

// withValues sets values given by Options.Values in a copy of ctx, in key
// order, as the Kyverno CLI does. An UPDATE or DELETE operation first gets
// request.oldObject, the resource itself, which values may then change
// (request.oldObject.metadata.labels.x); the CLI's DELETE reads
// request.object in variables as request.oldObject, which holds here as
// request.object stays the resource.
func withValues(ctx *variables.Context, vals map[string]interface{}) *variables.Context {
	ctx = ctx.Clone()
	if op, _ := vals["request.operation"].(string); op == "UPDATE" || op == "DELETE" {
		if obj, ok := ctx.Get("request.object"); ok {
			ctx.Set("request.oldObject", obj)
		}
	}
	keys := make([]string, 0, len(vals))
	for k := range vals {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		ctx.SetFields(ValueKey(k), vals[k])
	}
	return ctx
}

// setEntry sets a loaded context entry as Kyverno's AddContextEntry does
// (apiCall, globalReference, configMap): an object merges into an object
// already under the name, key by key and recursively; anything else
// replaces it. A variable entry replaces (ReplaceContextEntry).
func setEntry(ctx *variables.Context, name string, v interface{}) {
	if src, ok := v.(map[string]interface{}); ok {
		if old, ok := ctx.Get(name); ok {
			if dst, ok := old.(map[string]interface{}); ok {
				v = mergeMaps(dst, src)
			}
		}
	}
	ctx.Set(name, v)
}

// mergeMaps returns dst with src merged in, as Kyverno's mergeMaps, without
// changing either.
func mergeMaps(dst, src map[string]interface{}) map[string]interface{} {
	out := make(map[string]interface{}, len(dst)+len(src))
	for k, v := range dst {
		out[k] = v
	}
	for k, v := range src {
		if sm, ok := v.(map[string]interface{}); ok {
			if dm, ok := out[k].(map[string]interface{}); ok {
				out[k] = mergeMaps(dm, sm)
				continue
			}
		}
		out[k] = v
	}
	return out
}

// ValueKey splits the name of a value into its keys as the Kyverno CLI
// does (a CSV record with "." as separator): a quoted key may hold dots,
// request.object.metadata.annotations."example.com/team". A name CSV
// cannot read is split at every dot.
func ValueKey(name string) []string {
	if !strings.Contains(name, `"`) {
		return strings.Split(name, ".")
	}
	r := csv.NewReader(strings.NewReader(name))
	r.Comma = '.'
	keys, err := r.Read()
	if err != nil {
		return strings.Split(name, ".")
	}
	return keys
}
