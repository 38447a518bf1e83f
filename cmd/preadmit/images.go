package main

import (
	"io"

	"github.com/spf13/cobra"

	"github.com/preadmit/preadmit/internal/images"
	"github.com/preadmit/preadmit/internal/imagescmd"

	"github.com/preadmit/preadmit/internal/cliflags"
)

// newImages is "preadmit images": the images a stream pulls.
func newImages(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	var o imagescmd.Options
	var format string
	var paths []string
	cmd := &cobra.Command{
		Use:   "images [FILE...]",
		Short: "List the images a manifest stream pulls (and their mirror names)",
		Long: `List every distinct image of every container, initContainer and ephemeralContainer
of every pod template kind, sorted, one per line. With --registry each line is
"source mirrored", the name render --registry gives the image. -o json, -o skopeo
(a skopeo sync source file) and -o crane (crane copy commands) fill the mirror.`,
		Example: `  helm template my-app ./chart | preadmit images
  helm template my-app ./chart | preadmit images --registry registry.local -o crane | sh
  preadmit images -o skopeo --registry registry.local --registry-normalize rendered.yaml > images.yaml
  preadmit images --image-path Prometheus:spec.image rendered.yaml`,
		PreRunE: func(cmd *cobra.Command, _ []string) error { return cliflags.ApplyEnv(cmd) },
		RunE: func(cmd *cobra.Command, args []string) error {
			var err error
			if o.Format, err = images.ParseFormat(format); err != nil {
				return err
			}
			if o.Paths, err = images.ParsePaths(paths); err != nil {
				return err
			}
			o.Files = args
			return imagescmd.Images(cmd.Context(), o, stdin, stdout, stderr)
		},
	}
	fs := cmd.Flags()
	fs.StringVarP(&format, "output", "o", "lines", "output format: lines, json, skopeo or crane")
	fs.StringArrayVar(&paths, "image-path", nil, "image fields of a custom resource kind, Kind:field.path, e.g. Prometheus:spec.image or Workflow:spec.templates[].container.image (repeatable)")
	cliflags.Registry(fs, &o.Registry)
	cliflags.Values(fs, &o.Values, false)
	return cmd
}
