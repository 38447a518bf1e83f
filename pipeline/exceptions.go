package pipeline

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/exception"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/stream"
)

// LoadExceptions reads the PolicyExceptions of --exceptions paths and those
// found among the policy files (policy.Set.Others).
func LoadExceptions(paths []string, others []*policy.Document, namespace string) ([]*exception.Exception, error) {
	docs := make([]namedNode, len(others))
	for i, d := range others {
		docs[i] = namedNode{d.File, d.Node}
	}
	xs, err := parseExceptions(docs, namespace)
	if err != nil {
		return nil, err
	}
	if len(paths) > 0 {
		fx, err := exception.LoadPaths(paths, namespace)
		if err != nil {
			return nil, err
		}
		xs = append(xs, fx...)
	}
	return xs, nil
}

// StreamExceptions reads the PolicyExceptions of a manifest stream, for
// "exceptions list -".
func StreamExceptions(in io.Reader, namespace string) ([]*exception.Exception, error) {
	b, err := io.ReadAll(in)
	if err != nil {
		return nil, fmt.Errorf("reading input: %w", err)
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil, nil
	}
	docs, err := stream.Read(b, stream.DefaultLimits)
	if err != nil {
		return nil, err
	}
	named := make([]namedNode, len(docs))
	for i, d := range docs {
		name := fmt.Sprintf("input document %d", d.Index)
		if d.Source != "" {
			name += " (source: " + d.Source + ")"
		}
		named[i] = namedNode{name, d.Node}
	}
	return parseExceptions(named, namespace)
}

// namedNode is a document and the name an error gives it.
type namedNode struct {
	name string
	node *yaml.RNode
}

// parseExceptions parses the PolicyExceptions among docs, the others left
// alone; every exception that does not parse is reported, and then none is
// returned.
func parseExceptions(docs []namedNode, namespace string) ([]*exception.Exception, error) {
	var xs []*exception.Exception
	var errs exception.Errors
	for _, d := range docs {
		if !exception.IsException(d.node) {
			continue
		}
		x, err := exception.Parse(d.name, d.node, namespace)
		if err != nil {
			errs = append(errs, asExceptionError(err))
			continue
		}
		xs = append(xs, x)
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return xs, nil
}

func asExceptionError(err error) *exception.Error {
	var e *exception.Error
	if errors.As(err, &e) {
		return e
	}
	return &exception.Error{Err: err}
}
