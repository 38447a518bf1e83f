package flux

import (
	"regexp"
	"strings"

	"github.com/fluxcd/pkg/apis/kustomize"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/yamlnode"
)

// occurrence is an image field kustomize's images transformer rewrites: an
// "image" of an element of a "containers" or "initContainers" list, at any
// depth, in any kind but CustomResourceDefinition.
type occurrence struct {
	path  []string
	value string
}

func imageOccurrences(n *yaml.RNode) []occurrence {
	if n.GetKind() == "CustomResourceDefinition" {
		return nil
	}
	var out []occurrence
	var walk func(node *yaml.Node, path []string)
	walk = func(node *yaml.Node, path []string) {
		switch node.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(node.Content); i += 2 {
				k, v := node.Content[i].Value, node.Content[i+1]
				p := append(append([]string{}, path...), k)
				if (k == "containers" || k == "initContainers") && v.Kind == yaml.SequenceNode {
					for j, c := range v.Content {
						if img := yamlnode.Field(c, "image"); img != nil && img.Kind == yaml.ScalarNode {
							out = append(out, occurrence{path: append(append([]string{}, p...), "["+itoa(j)+"]", "image"), value: img.Value})
						}
					}
				}
				walk(v, p)
			}
		case yaml.SequenceNode:
			for j, c := range node.Content {
				walk(c, append(append([]string{}, path...), "["+itoa(j)+"]"))
			}
		}
	}
	walk(n.YNode(), nil)
	return out
}

// splitImage separates name, tag and digest as kustomize does
// (api/internal/image.Split).
func splitImage(s string) (name, tag, digest string) {
	search, offset := s, 0
	if i := strings.Index(s, "/"); i > 0 {
		search, offset = s[i:], i
	}
	id, ic := strings.Index(search, "@"), strings.Index(search, ":")
	switch {
	case ic < 0 && id < 0:
		return s, "", ""
	case id >= 0 && (id < ic || ic < 0):
		return s[:id+offset], "", s[id+offset+1:]
	case id >= 0 && ic >= 0:
		return s[:ic+offset], s[ic+offset+1 : id+offset], s[id+offset+1:]
	}
	return s[:ic+offset], s[ic+offset+1:], ""
}

// imageMatches reports whether a kustomize images entry named name selects
// image s (api/internal/image.IsImageMatched: the name is a regular
// expression, anchored, followed by an optional tag and digest).
func imageMatches(s, name string) bool {
	re, err := regexp.Compile("^" + name + `(:[a-zA-Z0-9_.{}-]*)?(@[a-zA-Z0-9]+([.+_-][a-zA-Z0-9]+)*:[a-zA-Z0-9_.{}-]*)?$`)
	return err == nil && re.MatchString(s)
}

// applyImage is what an images entry makes of a matching image.
func applyImage(s string, im kustomize.Image) string {
	name, tag, digest := splitImage(s)
	if im.NewName != "" {
		name = im.NewName
	}
	switch {
	case im.NewTag != "" && im.Digest != "":
		tag, digest = im.NewTag, im.Digest
	case im.NewTag != "":
		tag, digest = im.NewTag, ""
	case im.Digest != "":
		tag, digest = "", im.Digest
	}
	if tag != "" {
		name += ":" + tag
	}
	if digest != "" {
		name += "@" + digest
	}
	return name
}

// imageEntry is the images entry that rewrites before into after, if one
// can.
func imageEntry(before, after string) (kustomize.Image, bool) {
	bn, bt, bd := splitImage(before)
	an, at, ad := splitImage(after)
	im := kustomize.Image{Name: bn}
	if an != bn {
		im.NewName = an
	}
	if at != bt || ad != bd {
		switch {
		case at != "" && ad != "":
			im.NewTag, im.Digest = at, ad
		case at != "":
			im.NewTag = at
		case ad != "":
			im.Digest = ad
		default:
			return im, false
		}
	}
	return im, applyImage(before, im) == after
}
