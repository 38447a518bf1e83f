package images

import (
	"fmt"
	"strconv"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/variables"
)

// Occurrence is one image field of one resource.
type Occurrence struct {
	// Image is the reference as written.
	Image string
	// Document is the position of the document in the stream; Item the
	// position in a List kind's items, or -1.
	Document, Item int
	// Source is the Helm template (# Source:), when known.
	Source                string
	Kind, Namespace, Name string
	// Field is the path of the image field in the resource, e.g.
	// spec.template.spec.containers[0].image.
	Field string
}

// Resource names the resource of an occurrence as the reports do:
// "Kind namespace/name" or "Kind name".
func (o Occurrence) Resource() string {
	if o.Namespace == "" {
		return o.Kind + " " + o.Name
	}
	return o.Kind + " " + o.Namespace + "/" + o.Name
}

// ImageError reports an image field that holds no valid reference. It
// names the resource and the field.
type ImageError struct {
	Occurrence Occurrence
	Err        error
}

func (e *ImageError) Error() string {
	o := e.Occurrence
	where := fmt.Sprintf("document %d", o.Document)
	if o.Item >= 0 {
		where += fmt.Sprintf(" item %d", o.Item)
	}
	if o.Source != "" {
		where += " (source: " + o.Source + ")"
	}
	return fmt.Sprintf("%s %s: %s: %q is not an image reference: %v", where, o.Resource(), o.Field, o.Image, e.Err)
}

func (e *ImageError) Unwrap() error { return e.Err }

// podGroups are the container lists of a pod spec, in Kyverno's order.
var podGroups = []string{"initContainers", "containers", "ephemeralContainers"}

// Filter reports the image fields of resources: those of pod templates and
// those named by Paths. Visit receives each field, in document order.
// Documents without apiVersion and kind, and empty image fields, are
// skipped.
type Filter struct {
	Paths []Path
	// Visit is called for each image field; an error stops the walk.
	Visit func(Occurrence) error
}

// Document visits one document of a stream: the resource, or the items of
// a List kind.
func (f Filter) Document(n *yaml.RNode, index int, source string) error {
	if n == nil || n.YNode().Kind != yaml.MappingNode {
		return nil
	}
	kind := scalar(n.YNode(), "kind")
	if items := n.Field("items"); strings.HasSuffix(kind, "List") && items != nil && items.Value.YNode().Kind == yaml.SequenceNode {
		for i, it := range items.Value.YNode().Content {
			if it.Kind != yaml.MappingNode {
				continue
			}
			if err := f.resource(yaml.NewRNode(it), Occurrence{Document: index, Item: i, Source: source}); err != nil {
				return err
			}
		}
		return nil
	}
	return f.resource(n, Occurrence{Document: index, Item: -1, Source: source})
}

func (f Filter) resource(n *yaml.RNode, at Occurrence) error {
	root := n.YNode()
	at.Kind = scalar(root, "kind")
	if at.Kind == "" || scalar(root, "apiVersion") == "" {
		return nil
	}
	at.Name = scalar(root, "metadata", "name")
	at.Namespace = scalar(root, "metadata", "namespace")
	if path, ok := variables.PodSpecPath(at.Kind); ok {
		spec := lookup(n.YNode(), path)
		for _, g := range podGroups {
			list := lookup(spec, []string{g})
			if list == nil || list.Kind != yaml.SequenceNode {
				continue
			}
			for i, c := range list.Content {
				img := lookup(c, []string{"image"})
				field := strings.Join(path, ".") + "." + g + "[" + strconv.Itoa(i) + "].image"
				if err := f.visit(img, field, at); err != nil {
					return err
				}
			}
		}
	}
	for _, p := range f.Paths {
		if p.Kind != at.Kind {
			continue
		}
		if err := f.walk(n.YNode(), p.segs, "", at); err != nil {
			return err
		}
	}
	return nil
}

// walk follows an --image-path from node, reporting the scalars it ends on.
func (f Filter) walk(node *yaml.Node, segs []segment, field string, at Occurrence) error {
	node = deref(node)
	if len(segs) == 0 {
		return f.visit(node, field, at)
	}
	s := segs[0]
	child := lookup(node, []string{s.field})
	name := s.field
	if field != "" {
		name = field + "." + s.field
	}
	if !s.list {
		if child == nil {
			return nil
		}
		return f.walk(child, segs[1:], name, at)
	}
	if child == nil || child.Kind != yaml.SequenceNode {
		return nil
	}
	for i, e := range child.Content {
		if err := f.walk(e, segs[1:], name+"["+strconv.Itoa(i)+"]", at); err != nil {
			return err
		}
	}
	return nil
}

func (f Filter) visit(n *yaml.Node, field string, at Occurrence) error {
	n = deref(n)
	if n == nil || n.Kind != yaml.ScalarNode || n.ShortTag() == yaml.NodeTagNull || strings.TrimSpace(n.Value) == "" {
		return nil
	}
	at.Image, at.Field = n.Value, field
	if f.Visit == nil {
		return nil
	}
	return f.Visit(at)
}

// scalar returns the string at a path, or "".
func scalar(n *yaml.Node, path ...string) string {
	v := lookup(n, path)
	if v == nil || v.Kind != yaml.ScalarNode {
		return ""
	}
	return v.Value
}

// lookup follows field names through mapping nodes; nil when absent.
func lookup(n *yaml.Node, path []string) *yaml.Node {
	for _, k := range path {
		n = deref(n)
		if n == nil || n.Kind != yaml.MappingNode {
			return nil
		}
		var next *yaml.Node
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == k {
				next = n.Content[i+1]
				break
			}
		}
		if next == nil {
			return nil
		}
		n = next
	}
	return deref(n)
}

func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 16; i++ {
		n = n.Alias
	}
	return n
}
