package pipeline

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/admissionmatch"
	"github.com/preadmit/preadmit/transform/stream"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// CELOptions are the objects CEL policies read beside the stream, as the
// cluster would hold them.
type CELOptions struct {
	// Params are files and directories of parameter objects (--params):
	// the objects a paramRef selects, of any kind.
	Params []string
	// CRDs are files and directories of CustomResourceDefinitions (--crd):
	// the REST mapping of their kinds (a rule's resources, their scope).
	CRDs []string
}

// ObjectsError is a --params or --crd path that cannot be read, or a
// document in it that is not what the flag takes.
type ObjectsError struct {
	// Flag is --params or --crd; File the file or directory.
	Flag, File string
	// Doc is the document's index in File (from 0), -1 for the file.
	Doc int
	Err error
}

func (e *ObjectsError) Error() string {
	where := e.Flag + " " + e.File
	if e.Doc >= 0 {
		where += fmt.Sprintf(": document %d", e.Doc+1)
	}
	return where + ": " + e.Err.Error()
}

func (e *ObjectsError) Unwrap() error { return e.Err }

// loadCELObjects reads the parameter objects and the CRDs of o, in that
// order (transform.Options.CELObjects). Every error is reported.
func loadCELObjects(o CELOptions) ([]*yaml.RNode, error) {
	var out []*yaml.RNode
	var errs []error
	for _, p := range o.Params {
		nodes, err := readObjects("--params", p, checkParam)
		out, errs = append(out, nodes...), append(errs, err)
	}
	for _, p := range o.CRDs {
		nodes, err := readObjects("--crd", p, checkCRD)
		out, errs = append(out, nodes...), append(errs, err)
	}
	return out, errors.Join(errs...)
}

func checkParam(n *yaml.RNode) error {
	for _, f := range [][]string{{"apiVersion"}, {"kind"}, {"metadata", "name"}} {
		if yamlnode.Scalar(yamlnode.Path(n.YNode(), f...)) == "" {
			return fmt.Errorf("%s is required: a parameter object is a Kubernetes object", strings.Join(f, "."))
		}
	}
	return nil
}

func checkCRD(n *yaml.RNode) error {
	_, err := admissionmatch.ParseCRD(n)
	return err
}

// readObjects reads the objects of a file, or of the *.yaml and *.yml files
// under a directory, with the items of a List one by one. A file named on
// the command line must hold an object; one found in a directory may not.
func readObjects(flag, path string, check func(*yaml.RNode) error) ([]*yaml.RNode, error) {
	info, err := os.Stat(path)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err // the path is named once, by ObjectsError
		}
		return nil, &ObjectsError{Flag: flag, File: path, Doc: -1, Err: err}
	}
	if !info.IsDir() {
		out, err := readObjectFile(flag, path, check)
		if err == nil && len(out) == 0 {
			err = &ObjectsError{Flag: flag, File: path, Doc: -1, Err: errors.New("no object in file")}
		}
		return out, err
	}
	files, err := stream.YAMLFiles(os.DirFS(path), ".")
	if err != nil {
		return nil, &ObjectsError{Flag: flag, File: path, Doc: -1, Err: err}
	}
	var out []*yaml.RNode
	var errs []error
	for _, f := range files {
		nodes, err := readObjectFile(flag, filepath.Join(path, filepath.FromSlash(f)), check)
		out, errs = append(out, nodes...), append(errs, err)
	}
	return out, errors.Join(errs...)
}

func readObjectFile(flag, file string, check func(*yaml.RNode) error) ([]*yaml.RNode, error) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, &ObjectsError{Flag: flag, File: file, Doc: -1, Err: err}
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, nil
	}
	docs, err := stream.Read(b, stream.DefaultLimits)
	if err != nil {
		return nil, &ObjectsError{Flag: flag, File: file, Doc: -1, Err: err}
	}
	var out []*yaml.RNode
	var errs []error
	for i, d := range docs {
		if d.Node == nil || d.Node.YNode().Kind != yaml.MappingNode {
			continue
		}
		for _, n := range listItems(d.Node) {
			if err := check(n); err != nil {
				errs = append(errs, &ObjectsError{Flag: flag, File: file, Doc: i, Err: err})
				continue
			}
			out = append(out, n)
		}
	}
	return out, errors.Join(errs...)
}

// listItems are the items of a List (v1 List, or any kind named *List with
// items), else the object itself.
func listItems(n *yaml.RNode) []*yaml.RNode {
	root := n.YNode()
	items := yamlnode.Field(root, "items")
	if !strings.HasSuffix(yamlnode.Scalar(yamlnode.Field(root, "kind")), "List") || items == nil || items.Kind != yaml.SequenceNode {
		return []*yaml.RNode{n}
	}
	out := make([]*yaml.RNode, 0, len(items.Content))
	for _, it := range items.Content {
		if it.Kind == yaml.MappingNode {
			out = append(out, yaml.NewRNode(it))
		}
	}
	return out
}
