package transform

import (
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/match"
	"github.com/preadmit/preadmit/transform/mutate/apply"
	"github.com/preadmit/preadmit/transform/report"
	"github.com/preadmit/preadmit/transform/stream"
	"github.com/preadmit/preadmit/transform/variables"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// unit is one resource the rules run on: a document, or an item of a List.
type unit struct {
	doc  *stream.Document
	node *yaml.RNode
	res  match.Resource
	ref  report.Resource
	// ctx is the variables context, built on first use; dirty marks it
	// stale after a mutation.
	ctx   *variables.Context
	has   need // the expensive parts ctx holds
	dirty bool
	// cel is the resource as CEL rules read it, converted on first use
	// and shared by the unit's CEL rules (run.celResource); nil once a
	// mutation that is not in CEL changed the node.
	cel *apply.Object
	// celReq is the admission request its CEL rules read, made from
	// celReqKey (run.celRequest).
	celReq    map[string]any
	celReqKey celRequestKey
	// kyvernoReq is celReq with object and oldObject, as Kyverno's own
	// kinds read it (run.kyvernoRequest); made once per celReq, its two
	// keys set anew for each rule.
	kyvernoReq map[string]any
}

// unitsOf returns the resources of a document: the document itself, or the
// items of a List kind. Documents without apiVersion and kind are not
// Kubernetes resources and yield none (they pass through untouched).
func unitsOf(d *stream.Document, defaultNS string) []*unit {
	if d.Node == nil || d.Node.YNode().Kind != yaml.MappingNode {
		return nil
	}
	u := newUnit(d, d.Node, -1, defaultNS)
	if u == nil {
		return nil
	}
	if !strings.HasSuffix(u.res.Kind, "List") {
		return []*unit{u}
	}
	items := yamlnode.Field(d.Node.YNode(), "items")
	if items == nil || items.Kind != yaml.SequenceNode {
		return []*unit{u}
	}
	var out []*unit
	for i, it := range items.Content {
		if it.Kind != yaml.MappingNode {
			continue
		}
		if iu := newUnit(d, yaml.NewRNode(it), i, defaultNS); iu != nil {
			out = append(out, iu)
		}
	}
	return out
}

func newUnit(d *stream.Document, n *yaml.RNode, item int, defaultNS string) *unit {
	u := &unit{doc: d, node: n}
	u.identify(defaultNS)
	if u.res.Kind == "" || u.res.APIVersion == "" {
		return nil
	}
	u.ref = report.Resource{
		Index:      d.Index,
		Item:       item,
		APIVersion: u.res.APIVersion,
		Kind:       u.res.Kind,
		Namespace:  u.res.Namespace,
		Name:       u.res.Name,
		Source:     d.Source,
		Hook:       u.res.Annotations["helm.sh/hook"],
	}
	return u
}

// identify reads apiVersion, kind and metadata without decoding the whole
// resource: this runs on every document.
func (u *unit) identify(defaultNS string) {
	root := u.node.YNode()
	r := match.Resource{}
	var meta *yaml.Node
	for i := 0; i+1 < len(root.Content); i += 2 {
		k, v := root.Content[i].Value, root.Content[i+1]
		switch k {
		case "apiVersion":
			r.APIVersion = scalarValue(v)
		case "kind":
			r.Kind = scalarValue(v)
		case "metadata":
			meta = yamlnode.Deref(v)
		}
	}
	if meta != nil && meta.Kind == yaml.MappingNode {
		for i := 0; i+1 < len(meta.Content); i += 2 {
			k, v := meta.Content[i].Value, meta.Content[i+1]
			switch k {
			case "name":
				r.Name = scalarValue(v)
			case "namespace":
				r.Namespace = scalarValue(v)
			case "labels":
				r.Labels = stringMap(v)
			case "annotations":
				r.Annotations = stringMap(v)
			}
		}
	}
	if g, v, ok := strings.Cut(r.APIVersion, "/"); ok {
		r.Group, r.Version = g, v
	} else {
		r.Version = r.APIVersion
	}
	if IsClusterScoped(r.Kind) {
		r.Namespace = ""
	} else if r.Namespace == "" {
		r.Namespace = defaultNS
	}
	u.res = r
}

func scalarValue(n *yaml.Node) string {
	n = yamlnode.Deref(n)
	if n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

func stringMap(n *yaml.Node) map[string]string {
	n = yamlnode.Deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	m := make(map[string]string, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		m[n.Content[i].Value] = scalarValue(n.Content[i+1])
	}
	return m
}

// asSubresource gives a resource of a subresource kind (Options.Subresources)
// the identity matching sees in Kyverno: the resource's group, version and
// kind, and the subresource's name.
func (e *Engine) asSubresource(r *match.Resource) {
	for _, s := range e.opts.Subresources {
		if s.APIVersion != r.APIVersion || s.Kind != r.Kind {
			continue
		}
		r.APIVersion, r.Kind, r.Subresource = s.ParentAPIVersion, s.ParentKind, s.Name
		r.Version, r.Group = s.ParentAPIVersion, ""
		if g, v, ok := strings.Cut(s.ParentAPIVersion, "/"); ok {
			r.Group, r.Version = g, v
		}
		return
	}
}
