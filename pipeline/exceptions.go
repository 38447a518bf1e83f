package pipeline

import (
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/preadmit/preadmit/transform/exception"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/stream"
)

// LoadExceptions reads the PolicyExceptions of --exceptions paths and those
// found among the policy files (policy.Set.Others).
func LoadExceptions(paths []string, others []*policy.Document, namespace string) ([]*exception.Exception, error) {
	var xs []*exception.Exception
	var errs exception.Errors
	for _, d := range others {
		if !exception.IsException(d.Node) {
			continue
		}
		x, err := exception.Parse(d.File, d.Node, namespace)
		if err != nil {
			errs = append(errs, asExceptionError(err))
			continue
		}
		xs = append(xs, x)
	}
	if len(errs) > 0 {
		return nil, errs
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
	var xs []*exception.Exception
	var errs exception.Errors
	for _, d := range docs {
		if !exception.IsException(d.Node) {
			continue
		}
		name := fmt.Sprintf("input document %d", d.Index)
		if d.Source != "" {
			name += " (source: " + d.Source + ")"
		}
		x, err := exception.Parse(name, d.Node, namespace)
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
