package app

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/preadmit/preadmit/transform/images"
	"github.com/preadmit/preadmit/transform/stream"
)

// ImagesOptions are the settings of "preadmit images".
type ImagesOptions struct {
	// Files are read in order; none means stdin.
	Files    []string
	Format   string
	Registry RegistryOptions
	// Values may name the mirror (preadmit.registry and friends).
	Values ValuesOptions
	// ImagePaths are Kind:field.path entries for custom resources.
	ImagePaths []string
}

// Images lists the distinct images of a stream in a format. Warnings go
// to stderr; on any failure nothing is written to out.
func Images(ctx context.Context, o ImagesOptions, in io.Reader, out, stderr io.Writer) error {
	format, err := images.ParseFormat(o.Format)
	if err != nil {
		return &ExitErr{Code: ExitError, Err: err}
	}
	paths, err := images.ParsePaths(o.ImagePaths)
	if err != nil {
		return &ExitErr{Code: ExitError, Err: err}
	}
	inputs, err := loadInputs(ValuesOptions{ValuesFile: o.Values.ValuesFile, Set: o.Values.Set}, o.Registry, nil, "default")
	if err != nil {
		return &ExitErr{Code: ExitError, Err: err}
	}
	docs, err := readStreams(o.Files, in)
	if err != nil {
		return classify(err)
	}
	if err := ctx.Err(); err != nil {
		return &ExitErr{Code: ExitError, Err: err}
	}
	set, err := images.Collect(docs, paths)
	if err != nil {
		return &ExitErr{Code: ExitError, Err: err}
	}
	if format == images.FormatSkopeo {
		mismatches, err := images.SkopeoMismatches(set, inputs.mirror)
		if err != nil {
			return &ExitErr{Code: ExitError, Err: err}
		}
		for _, m := range mismatches {
			fmt.Fprintf(stderr, "warning: %s\n", m)
		}
	}
	var buf bytes.Buffer
	if err := images.Write(&buf, format, set, inputs.mirror); err != nil {
		return &ExitErr{Code: ExitError, Err: err}
	}
	if _, err := out.Write(buf.Bytes()); err != nil {
		return &ExitErr{Code: ExitError, Err: fmt.Errorf("writing output: %w", err)}
	}
	return nil
}

// readStreams parses each file (or stdin) and numbers the documents
// across them.
func readStreams(files []string, stdin io.Reader) ([]*stream.Document, error) {
	if len(files) == 0 {
		b, err := io.ReadAll(stdin)
		if err != nil {
			return nil, fmt.Errorf("reading input: %w", err)
		}
		return stream.Read(b, stream.DefaultLimits)
	}
	var all []*stream.Document
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			return nil, &stream.InputError{Index: -1, Err: err}
		}
		docs, err := stream.Read(b, stream.DefaultLimits)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		for _, d := range docs {
			d.Index += len(all)
			if d.Source == "" {
				d.Source = f
			}
		}
		all = append(all, docs...)
	}
	return all, nil
}
