package kyvernotest

import (
	"os"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/stream"
)

// paramResources reads the test's paramResources: the objects a
// ValidatingAdmissionPolicy binding's paramRef selects.
func (r *runner) paramResources() ([]*yaml.RNode, error) {
	var out []*yaml.RNode
	for _, f := range r.test.ParamResources {
		path := resolve(r.dir, f)
		b, err := os.ReadFile(path)
		if err != nil {
			return nil, &FileError{Test: r.path, File: path, Err: err}
		}
		docs, err := stream.Read(b, stream.DefaultLimits)
		if err != nil {
			return nil, &FileError{Test: r.path, File: path, Err: err}
		}
		for _, d := range docs {
			if d.Node != nil {
				out = append(out, d.Node)
			}
		}
	}
	return out, nil
}
