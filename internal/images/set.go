package images

import (
	"slices"

	"github.com/preadmit/preadmit/transform/stream"
	"github.com/preadmit/preadmit/transform/variables"
)

// Image is one distinct reference of a stream, with where it is used.
type Image struct {
	// Ref is the reference as written.
	Ref string
	// Info is Ref split as Kyverno's images variable splits it.
	Info variables.ImageInfo
	// Uses are the fields that hold it, in stream order.
	Uses []Occurrence
}

// Set is the distinct images of a stream, sorted by reference.
type Set struct {
	Images []*Image
}

// Collect finds the images of a parsed stream. A field that holds no valid
// reference is an *ImageError naming the resource and the field.
func Collect(docs []*stream.Document, paths []Path) (*Set, error) {
	byRef := map[string]*Image{}
	f := Filter{Paths: paths, Visit: func(o Occurrence) error {
		if im, ok := byRef[o.Image]; ok {
			im.Uses = append(im.Uses, o)
			return nil
		}
		info, err := variables.ParseImage(o.Image)
		if err != nil {
			return &ImageError{Occurrence: o, Err: err}
		}
		byRef[o.Image] = &Image{Ref: o.Image, Info: info, Uses: []Occurrence{o}}
		return nil
	}}
	for _, d := range docs {
		if err := f.Document(d.Node, d.Index, d.Source); err != nil {
			return nil, err
		}
	}
	s := &Set{}
	for _, im := range byRef {
		s.Images = append(s.Images, im)
	}
	slices.SortFunc(s.Images, func(a, b *Image) int {
		switch {
		case a.Ref < b.Ref:
			return -1
		case a.Ref > b.Ref:
			return 1
		}
		return 0
	})
	return s, nil
}
