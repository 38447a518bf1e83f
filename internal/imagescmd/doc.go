// Package imagescmd is "preadmit images": it reads the streams, asks the
// pipeline for the mirror the registry flags and values name (as a render
// reads them), and writes the images package's listing. Its format and
// image paths come parsed from the command line. It must not render: the
// rewrite itself is the mirror-images policy's, in a render.
package imagescmd
