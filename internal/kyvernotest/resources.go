package kyvernotest

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/stream"
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
