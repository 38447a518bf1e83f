package kyvernotest

import (
	"fmt"
	"os"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/stream"
)

// paramResources reads the test's paramResources: the objects a
// ValidatingAdmissionPolicy binding's paramRef selects.
func (r *runner) paramResources() ([]*yaml.RNode, error) {
	var out []*yaml.RNode
	for _, f := range r.test.ParamResources {
		docs, err := r.readDocuments(resolve(r.dir, f))
		if err != nil {
			return nil, err
		}
		out = append(out, docs...)
	}
	return out, nil
}

// clusterResources reads the test's ClusterResource files, as the Kyverno
// CLI loads them into its fake cluster: their spec.resources are the
// objects CEL's resource library finds, and their spec.crds (files beside
// the test) map the kinds of custom resources. It returns the objects, and
// what CEL policies read beside the resources (the CRDs and the
// Namespaces, which give namespaceObject).
func (r *runner) clusterResources() (objects, celObjects []*yaml.RNode, err error) {
	for _, f := range r.test.ClusterResources {
		path := resolve(r.dir, f)
		docs, err := r.readDocuments(path)
		if err != nil {
			return nil, nil, err
		}
		for _, d := range docs {
			if kind := d.GetKind(); kind != "ClusterResource" {
				return nil, nil, &FileError{Test: r.path, File: path, Err: fmt.Errorf("kind %q: want ClusterResource (cli.kyverno.io/v1alpha1)", kind)}
			}
			crds, err := d.Pipe(yaml.Lookup("spec", "crds"))
			if err != nil {
				return nil, nil, &FileError{Test: r.path, File: path, Err: err}
			}
			for _, c := range crdPaths(crds) {
				docs, err := r.readDocuments(resolve(r.dir, c))
				if err != nil {
					return nil, nil, err
				}
				celObjects = append(celObjects, docs...)
			}
			res, err := d.Pipe(yaml.Lookup("spec", "resources"))
			if err != nil {
				return nil, nil, &FileError{Test: r.path, File: path, Err: err}
			}
			if res == nil {
				continue
			}
			for _, n := range res.YNode().Content {
				o := yaml.NewRNode(n)
				objects = append(objects, o)
				if o.GetKind() == "Namespace" {
					celObjects = append(celObjects, o)
				}
			}
		}
	}
	return objects, celObjects, nil
}

func crdPaths(n *yaml.RNode) []string {
	if n == nil {
		return nil
	}
	var out []string
	for _, c := range n.YNode().Content {
		out = append(out, c.Value)
	}
	return out
}

// readDocuments reads the documents of a file.
func (r *runner) readDocuments(path string) ([]*yaml.RNode, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, &FileError{Test: r.path, File: path, Err: err}
	}
	docs, err := stream.Read(b, stream.DefaultLimits)
	if err != nil {
		return nil, &FileError{Test: r.path, File: path, Err: err}
	}
	var out []*yaml.RNode
	for _, d := range docs {
		if d.Node != nil {
			out = append(out, d.Node)
		}
	}
	return out, nil
}
