package imagescmd

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"

	"github.com/preadmit/preadmit/internal/images"
	"github.com/preadmit/preadmit/pipeline"
	"github.com/preadmit/preadmit/transform/stream"
)

// Options are the settings of "preadmit images".
type Options struct {
	// Files are read in order; none means stdin.
	Files  []string
	Format images.Format
	// Registry and Values may name the mirror (preadmit.registry and
	// friends), as they do for a render.
	Registry pipeline.RegistryOptions
	Values   pipeline.ValuesOptions
	// Paths are the image fields of custom resource kinds.
	Paths []images.Path
}

// Images lists the distinct images of a stream in a format. Warnings go
// to stderr; on any failure nothing is written to out.
func Images(ctx context.Context, o Options, in io.Reader, out, stderr io.Writer) error {
	mirror, err := pipeline.Mirror(o.Values, o.Registry)
	if err != nil {
		return err
	}
	docs, err := readStreams(o.Files, in)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	set, err := images.Collect(docs, o.Paths)
	if err != nil {
		return err
	}
	if o.Format == images.FormatSkopeo {
		mismatches, err := images.SkopeoMismatches(set, mirror)
		if err != nil {
			return err
		}
		for _, m := range mismatches {
			fmt.Fprintf(stderr, "warning: %s\n", m)
		}
	}
	var buf bytes.Buffer
	if err := images.Write(&buf, o.Format, set, mirror); err != nil {
		return err
	}
	if _, err := out.Write(buf.Bytes()); err != nil {
		return fmt.Errorf("writing output: %w", err)
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
