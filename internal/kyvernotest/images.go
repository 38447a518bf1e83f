package kyvernotest

import (
	"encoding/json"
	"fmt"
)

// contextImage is a context file's image data, with the fields and
// omissions of the Kyverno CLI's ImageData, so that image.GetMetadata
// reads the same object in both.
type contextImage struct {
	Image         string          `json:"image"`
	ResolvedImage string          `json:"resolvedImage"`
	Registry      string          `json:"registry"`
	Repository    string          `json:"repository"`
	Tag           string          `json:"tag,omitempty"`
	Digest        string          `json:"digest,omitempty"`
	ImageIndex    json.RawMessage `json:"imageIndex,omitempty"`
	Manifest      json.RawMessage `json:"manifest,omitempty"`
	Config        json.RawMessage `json:"config,omitempty"`
}

// contextImages are the image data of a context file, by image as
// written, for image.GetMetadata.
func contextImages(c *ContextFile) (map[string]map[string]any, error) {
	if c == nil || len(c.Spec.Images) == 0 {
		return nil, nil
	}
	out := make(map[string]map[string]any, len(c.Spec.Images))
	for i, raw := range c.Spec.Images {
		var img contextImage
		if err := json.Unmarshal(raw, &img); err != nil {
			return nil, fmt.Errorf("spec.images[%d]: %w", i, err)
		}
		b, err := json.Marshal(img)
		if err != nil {
			return nil, fmt.Errorf("spec.images[%d]: %w", i, err)
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("spec.images[%d]: %w", i, err)
		}
		out[img.Image] = m
	}
	return out, nil
}
