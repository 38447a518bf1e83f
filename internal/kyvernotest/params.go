package kyvernotest

import (
	"fmt"
	"os"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/admissionmatch"
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
		var cr ClusterResource
		if err := decodeFile(path, &cr); err != nil {
			return nil, nil, &FileError{Test: r.path, File: path, Err: err}
		}
		if cr.Kind != "ClusterResource" {
			return nil, nil, &FileError{Test: r.path, File: path, Err: fmt.Errorf("kind %q: want ClusterResource (cli.kyverno.io/v1alpha1)", cr.Kind)}
		}
		for _, c := range cr.Spec.CRDs {
			crdPath := resolve(r.dir, c)
			docs, err := r.readDocuments(crdPath)
			if err != nil {
				return nil, nil, err
			}
			for _, d := range docs {
				if _, err := admissionmatch.ParseCRD(d); err != nil {
					return nil, nil, &FileError{Test: r.path, File: crdPath, Err: fmt.Errorf("spec.crds of %s: %w", path, err)}
				}
			}
			celObjects = append(celObjects, docs...)
		}
		for i, raw := range cr.Spec.Resources {
			o, err := yaml.Parse(string(raw))
			if err != nil || o.GetKind() == "" || o.GetApiVersion() == "" {
				return nil, nil, &FileError{Test: r.path, File: path, Err: fmt.Errorf("spec.resources[%d]: not a Kubernetes object (apiVersion and kind)", i)}
			}
			objects = append(objects, o)
			if o.GetKind() == "Namespace" {
				celObjects = append(celObjects, o)
			}
		}
	}
	return objects, celObjects, nil
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
