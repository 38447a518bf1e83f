package exception

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/preadmit/preadmit/transform/stream"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// LoadPaths reads the PolicyExceptions of files and directories (recursively,
// *.yaml and *.yml; hidden directories skipped). A file named on the command
// line must hold at least one PolicyException; files found in a directory
// may hold none. A ClusterPolicy or Policy in an exceptions file is an
// error: policies are given with --policy. Other documents are ignored.
func LoadPaths(paths []string, defaultNamespace string) ([]*Exception, error) {
	var out []*Exception
	var errs Errors
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil {
			errs = append(errs, &Error{File: p, Err: err})
			continue
		}
		if !info.IsDir() {
			xs, es := loadFile(p, defaultNamespace)
			errs = append(errs, es...)
			if len(xs) == 0 && len(es) == 0 {
				errs = append(errs, &Error{File: p, Err: errors.New("no PolicyException in file")})
			}
			out = append(out, xs...)
			continue
		}
		files, err := yamlFiles(p)
		if err != nil {
			errs = append(errs, &Error{File: p, Err: err})
			continue
		}
		for _, f := range files {
			xs, es := loadFile(f, defaultNamespace)
			errs = append(errs, es...)
			out = append(out, xs...)
		}
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return out, nil
}

func yamlFiles(dir string) ([]string, error) {
	files, err := stream.YAMLFiles(os.DirFS(dir), ".")
	for i, f := range files {
		files[i] = filepath.Join(dir, filepath.FromSlash(f))
	}
	return files, err
}

func loadFile(file, defaultNamespace string) ([]*Exception, Errors) {
	b, err := os.ReadFile(file)
	if err != nil {
		return nil, Errors{{File: file, Err: err}}
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, nil
	}
	docs, err := stream.Read(b, stream.DefaultLimits)
	if err != nil {
		return nil, Errors{{File: file, Err: err}}
	}
	var out []*Exception
	var errs Errors
	for _, d := range docs {
		if d.Node == nil {
			continue
		}
		root := d.Node.YNode()
		k := yamlnode.Scalar(yamlnode.Field(root, "kind"))
		if (k == "ClusterPolicy" || k == "Policy") && strings.HasPrefix(yamlnode.Scalar(yamlnode.Field(root, "apiVersion")), "kyverno.io/") {
			name := yamlnode.Scalar(yamlnode.Field(yamlnode.Field(root, "metadata"), "name"))
			errs = append(errs, &Error{File: file,
				Err: fmt.Errorf("%s %s in an exceptions file: give policies with --policy", k, name)})
			continue
		}
		if !IsException(d.Node) {
			continue
		}
		x, err := Parse(file, d.Node, defaultNamespace)
		if err != nil {
			errs = append(errs, asError(err))
			continue
		}
		out = append(out, x)
	}
	return out, errs
}

func asError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return &Error{Err: err}
}

// CheckMetadata returns an error for every exception that lacks owner,
// reason or expiry: the --require-exception-metadata discipline.
func CheckMetadata(xs []*Exception) error {
	var errs Errors
	for _, x := range xs {
		if miss := x.MissingMetadata(); len(miss) > 0 {
			errs = append(errs, &Error{File: x.File, Namespace: x.Namespace, Name: x.Name, Field: "metadata.annotations",
				Err: fmt.Errorf("missing %s: --require-exception-metadata wants every exception to say who owns it, why, and until when", strings.Join(miss, ", "))})
		}
	}
	return errs.AsError()
}
