package images

import (
	"encoding/json"
	"io"
)

// jsonImage is one entry of -o json. Registry, path, name, tag and digest
// are the fields of Kyverno's images variable for the reference.
type jsonImage struct {
	Image      string    `json:"image"`
	Mirrored   string    `json:"mirrored,omitempty"`
	Normalized string    `json:"normalized"`
	Registry   string    `json:"registry"`
	Path       string    `json:"path"`
	Name       string    `json:"name"`
	Tag        string    `json:"tag,omitempty"`
	Digest     string    `json:"digest,omitempty"`
	Uses       []jsonUse `json:"uses"`
}

type jsonUse struct {
	Document  int    `json:"document"`
	Item      *int   `json:"item,omitempty"`
	Source    string `json:"source,omitempty"`
	Kind      string `json:"kind"`
	Namespace string `json:"namespace,omitempty"`
	Name      string `json:"name"`
	Field     string `json:"field"`
}

// writeJSON prints a JSON array, one object per image, sorted.
func writeJSON(w io.Writer, s *Set, m Mirror) error {
	out := make([]jsonImage, 0, len(s.Images))
	for _, im := range s.Images {
		j := jsonImage{
			Image:      im.Ref,
			Normalized: normalized(im.Info),
			Registry:   im.Info.Registry,
			Path:       im.Info.Path,
			Name:       im.Info.Name,
			Tag:        im.Info.Tag,
			Digest:     im.Info.Digest,
		}
		if m.Registry != "" {
			to, err := m.Rewrite(im.Ref)
			if err != nil {
				return err
			}
			j.Mirrored = to
		}
		for _, u := range im.Uses {
			ju := jsonUse{Document: u.Document, Source: u.Source, Kind: u.Kind, Namespace: u.Namespace, Name: u.Name, Field: u.Field}
			if u.Item >= 0 {
				item := u.Item
				ju.Item = &item
			}
			j.Uses = append(j.Uses, ju)
		}
		out = append(out, j)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
