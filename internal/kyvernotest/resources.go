package kyvernotest

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/stream"
	"github.com/preadmit/preadmit/transform/variables"
)

// readResources concatenates the test's resource files (and the YAML files
// of resource directories) into one stream for the engine.
func (r *runner) readResources() ([]byte, error) {
	var buf bytes.Buffer
	add := func(path string) error {
		b, err := os.ReadFile(path)
		if err != nil {
			return &FileError{Test: r.path, File: path, Err: err}
		}
		if buf.Len() > 0 {
			buf.WriteString("---\n")
		}
		buf.Write(b)
		if len(b) > 0 && b[len(b)-1] != '\n' {
			buf.WriteByte('\n')
		}
		return nil
	}
	for _, p := range r.test.Resources {
		path := resolve(r.dir, p)
		info, err := os.Stat(path)
		if err != nil {
			return nil, &FileError{Test: r.path, File: path, Err: err}
		}
		if !info.IsDir() {
			if err := add(path); err != nil {
				return nil, err
			}
			continue
		}
		files, err := stream.YAMLFiles(os.DirFS(path), ".")
		if err != nil {
			return nil, &FileError{Test: r.path, File: path, Err: err}
		}
		for i, f := range files {
			files[i] = filepath.Join(path, filepath.FromSlash(f))
		}
		for _, f := range files {
			if err := add(f); err != nil {
				return nil, err
			}
		}
	}
	return buf.Bytes(), nil
}

// resource is one resource of the rendered stream: a document or an item of
// a List.
type resource struct {
	key        unitKey
	apiVersion string
	kind, name string
	// namespace is metadata.namespace; effective adds the default
	// namespace for namespaced kinds, as the engine matches.
	namespace, effective string
}

type unitKey struct{ index, item int }

// indexResources lists the resources of a rendered stream.
func indexResources(docs []*stream.Document) []resource {
	var out []resource
	for _, d := range docs {
		if d.Node == nil || d.Node.YNode().Kind != yaml.MappingNode {
			continue
		}
		items, _ := d.Node.Pipe(yaml.Lookup("items"))
		if strings.HasSuffix(d.Node.GetKind(), "List") && items != nil && items.YNode().Kind == yaml.SequenceNode {
			for i, it := range items.YNode().Content {
				if it.Kind == yaml.MappingNode {
					out = append(out, newResource(yaml.NewRNode(it), unitKey{d.Index, i}))
				}
			}
			continue
		}
		out = append(out, newResource(d.Node, unitKey{d.Index, -1}))
	}
	return out
}

func newResource(n *yaml.RNode, k unitKey) resource {
	r := resource{key: k, apiVersion: n.GetApiVersion(), kind: n.GetKind(), name: n.GetName(), namespace: n.GetNamespace()}
	r.effective = r.namespace
	if r.effective == "" && !transform.IsClusterScoped(r.kind) {
		r.effective = "default"
	}
	return r
}

// named reports whether a result's resource name ("name" or
// "namespace/name") denotes the resource.
func (r resource) named(name string) bool {
	if ns, n, ok := strings.Cut(name, "/"); ok {
		return n == r.name && (ns == r.namespace || ns == r.effective)
	}
	return name == r.name
}

// node returns the resource's node in a rendered stream.
func (k unitKey) node(docs []*stream.Document) *yaml.RNode {
	for _, d := range docs {
		if d.Index != k.index || d.Node == nil {
			continue
		}
		if k.item < 0 {
			return d.Node
		}
		items, _ := d.Node.Pipe(yaml.Lookup("items"))
		if items == nil || k.item >= len(items.YNode().Content) {
			return nil
		}
		return yaml.NewRNode(items.YNode().Content[k.item])
	}
	return nil
}

// asLoaded gives the test's resources what "kyverno test" gives them when
// it loads them (resource.YamlToUnstructured): a namespaced resource
// without a namespace is in "default", in its metadata too, so that
// request.object.metadata.namespace and patched resources see it.
//
// Values under request.object (globalValues, and a policy's values for the
// resource by name) are set in the resource itself: the CLI reads the
// resource back from request.object after setting them, so a value
// request.object.metadata.annotations.x is matched and validated as part of
// the resource.
func (r *runner) asLoaded(docs []*stream.Document) error {
	for _, d := range docs {
		for _, n := range resourceNodes(d) {
			if n.GetNamespace() == "" && !transform.IsClusterScoped(n.GetKind()) {
				if err := n.SetNamespace("default"); err != nil {
					return err
				}
			}
			if err := setObjectValues(n, objectValues(r.values, n.GetName())); err != nil {
				return fmt.Errorf("values for %s %s: %w", n.GetKind(), n.GetName(), err)
			}
		}
	}
	return nil
}

// objectValues returns the values a values file gives a resource by name
// under request.object: globalValues, then each policy's resource values.
func objectValues(v *Values, name string) map[string]interface{} {
	if v == nil {
		return nil
	}
	out := map[string]interface{}{}
	add := func(vals map[string]interface{}) {
		for k, x := range vals {
			if strings.HasPrefix(k, "request.object.") {
				out[k] = x
			}
		}
	}
	add(v.GlobalValues)
	for _, p := range v.Policies {
		for _, res := range p.Resources {
			if res.Name == name {
				add(res.Values)
			}
		}
	}
	return out
}

// setObjectValues sets values named request.object.<path> at <path> in a
// resource, in name order.
func setObjectValues(n *yaml.RNode, vals map[string]interface{}) error {
	names := make([]string, 0, len(vals))
	for k := range vals {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		keys := transform.ValueKey(k)[2:]
		v, err := variables.ToRNode(vals[k])
		if err != nil {
			return err
		}
		parent, err := n.Pipe(yaml.LookupCreate(yaml.MappingNode, keys[:len(keys)-1]...))
		if err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
		if err := parent.PipeE(yaml.SetField(keys[len(keys)-1], v)); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	return nil
}

// resourceNodes returns the resources of a document: the items of a List,
// or the document.
func resourceNodes(d *stream.Document) []*yaml.RNode {
	if d.Node == nil || d.Node.YNode().Kind != yaml.MappingNode {
		return nil
	}
	items, _ := d.Node.Pipe(yaml.Lookup("items"))
	if !strings.HasSuffix(d.Node.GetKind(), "List") || items == nil || items.YNode().Kind != yaml.SequenceNode {
		return []*yaml.RNode{d.Node}
	}
	var out []*yaml.RNode
	for _, it := range items.YNode().Content {
		if it.Kind == yaml.MappingNode {
			out = append(out, yaml.NewRNode(it))
		}
	}
	return out
}
