package app

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/preadmit/preadmit/transform/exception"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/stream"
)

// ExceptionOptions say where a render's PolicyExceptions come from and how
// strictly they are held.
type ExceptionOptions struct {
	// Paths are files and directories of PolicyExceptions (--exceptions).
	Paths []string
	// Keep writes the input's PolicyException documents to stdout
	// (--keep-exceptions); by default they are consumed.
	Keep bool
	// RequireMetadata rejects exceptions without owner, reason and expiry
	// (--require-exception-metadata).
	RequireMetadata bool
	// At is the time expiry is judged at (--at, an RFC 3339 date or
	// date-time); "" is now.
	At string
}

// ParseAt reads an --at value: an RFC 3339 date-time, or a date (its
// midnight, UTC). "" is the zero time, meaning now.
func ParseAt(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, fmt.Errorf("--at %q: expected an RFC 3339 date (2025-12-31) or date-time (2025-12-31T12:00:00Z)", s)
}

// clock returns the engine clock for an --at value: nil (time.Now) when unset.
func clock(at time.Time) func() time.Time {
	if at.IsZero() {
		return nil
	}
	return func() time.Time { return at }
}

// loadExceptions reads the PolicyExceptions of --exceptions paths and those
// found among the policy files (policy.Set.Others).
func loadExceptions(paths []string, others []*policy.Document, namespace string) ([]*exception.Exception, error) {
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

// streamExceptions reads the PolicyExceptions of a manifest stream, for
// "exceptions list -".
func streamExceptions(in io.Reader, namespace string) ([]*exception.Exception, error) {
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
