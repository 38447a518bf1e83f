package variables

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/yamlnode"
)

// DefaultRegistry is the registry Kyverno assumes for images without one.
const DefaultRegistry = "docker.io"

// ImageInfo is an image reference split the way Kyverno splits it for the
// images variable and image_normalize.
type ImageInfo struct {
	Registry string
	// Path is the repository path, e.g. "library/nginx" or "test/nginx".
	Path string
	// Name is the last element of Path.
	Name   string
	Tag    string
	Digest string
}

// String returns the normalized reference: registry/path:tag, or
// registry/path@digest when there is a digest.
func (i ImageInfo) String() string {
	image := i.Path
	if i.Registry != "" {
		image = i.Registry + "/" + i.Path
	}
	if i.Digest != "" {
		return image + "@" + i.Digest
	}
	return image + ":" + i.Tag
}

// ReferenceWithTag is registry/path:tag, as Kyverno's images variable
// gives it; the tag is empty for a reference with a digest only.
func (i ImageInfo) ReferenceWithTag() string {
	if i.Registry != "" {
		return i.Registry + "/" + i.Path + ":" + i.Tag
	}
	return i.Path + ":" + i.Tag
}

// The grammar of github.com/distribution/reference, which Kyverno parses
// images with. Like the engine's other regular expressions, each is compiled
// on first use rather than at every process start.
var (
	domainRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^(?:(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])(?:\.(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))*|\[[a-fA-F0-9:]+\])(?::[0-9]+)?$`)
	})
	pathRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*)*$`)
	})
	tagRe    = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[\w][\w.-]{0,127}$`) })
	digestRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$`)
	})
)

var digestLen = map[string]int{"sha256": 64, "sha384": 96, "sha512": 128}

// ParseImage splits an image reference as Kyverno's GetImageInfo does with
// the default configuration: docker.io is added when the first path
// element is not a registry, and "latest" when there is neither tag nor
// digest.
func ParseImage(image string) (ImageInfo, error) {
	full := image
	if i := strings.IndexByte(image, '/'); i == -1 || (!strings.ContainsAny(image[:i], ".:") && image[:i] != "localhost" && strings.ToLower(image[:i]) == image[:i]) {
		full = DefaultRegistry + "/" + image
	}
	bad := func(why string) (ImageInfo, error) {
		return ImageInfo{}, fmt.Errorf("bad image: %s, defaultRegistry: %s, enableDefaultRegistryMutation: true: %s", full, DefaultRegistry, why)
	}
	rest := full
	var info ImageInfo
	if i := strings.IndexByte(rest, '@'); i >= 0 {
		info.Digest = rest[i+1:]
		rest = rest[:i]
		if !digestRe().MatchString(info.Digest) {
			return bad("invalid reference format")
		}
		alg, hex, _ := strings.Cut(info.Digest, ":")
		if n, ok := digestLen[alg]; !ok || len(hex) != n {
			return bad("invalid digest")
		}
	}
	if i := strings.LastIndexByte(rest, ':'); i > strings.LastIndexByte(rest, '/') {
		info.Tag = rest[i+1:]
		rest = rest[:i]
		if !tagRe().MatchString(info.Tag) {
			return bad("invalid reference format")
		}
	}
	if len(rest) > 255 {
		return bad("repository name must not be more than 255 characters")
	}
	if d, p, ok := strings.Cut(rest, "/"); ok && domainRe().MatchString(d) && pathRe().MatchString(p) {
		info.Registry, info.Path = d, p
	} else if pathRe().MatchString(rest) {
		info.Path = rest
	} else if strings.ToLower(rest) != rest {
		return bad("repository name must be lowercase")
	} else {
		return bad("invalid reference format")
	}
	info.Name = info.Path[strings.LastIndexByte(info.Path, '/')+1:]
	if info.Tag == "" && info.Digest == "" {
		info.Tag = "latest"
	}
	return info, nil
}

// imageValue is the JSON-like form of one entry of the images variable.
func imageValue(info ImageInfo, pointer string) map[string]interface{} {
	m := map[string]interface{}{
		"registry":         info.Registry,
		"path":             info.Path,
		"name":             info.Name,
		"jsonPointer":      pointer,
		"reference":        info.String(),
		"referenceWithTag": info.ReferenceWithTag(),
	}
	if info.Tag != "" {
		m["tag"] = info.Tag
	}
	if info.Digest != "" {
		m["digest"] = info.Digest
	}
	return m
}

func imagesAt(podSpec *yaml.Node, prefix string) (map[string]interface{}, error) {
	out := map[string]interface{}{}
	if podSpec == nil || podSpec.Kind != yaml.MappingNode {
		return out, nil
	}
	for _, group := range []string{"initContainers", "containers", "ephemeralContainers"} {
		list := yamlnode.Field(podSpec, group)
		if list == nil || list.Kind != yaml.SequenceNode {
			continue
		}
		infos := map[string]interface{}{}
		for i, c := range list.Content {
			c = yamlnode.Deref(c)
			if c.Kind != yaml.MappingNode {
				return nil, fmt.Errorf("invalid image config at %s/%s/%d", prefix, group, i)
			}
			img := yamlnode.Field(c, "image")
			if img == nil || img.Kind != yaml.ScalarNode || strings.TrimSpace(img.Value) == "" {
				continue
			}
			name := yamlnode.Field(c, "name")
			if name == nil || name.Kind != yaml.ScalarNode {
				return nil, fmt.Errorf("invalid key at %s/%s/%d: container has no name", prefix, group, i)
			}
			info, err := ParseImage(img.Value)
			if err != nil {
				return nil, fmt.Errorf("invalid image '%s' (%w)", img.Value, err)
			}
			infos[name.Value] = imageValue(info, prefix+"/"+group+"/"+strconv.Itoa(i)+"/image")
		}
		if len(infos) > 0 {
			out[group] = infos
		}
	}
	return out, nil
}

// podSpecPaths are where Kyverno looks for the pod spec, by kind.
var podSpecPaths = map[string][]string{
	"Pod":                   {"spec"},
	"DaemonSet":             {"spec", "template", "spec"},
	"Deployment":            {"spec", "template", "spec"},
	"ReplicaSet":            {"spec", "template", "spec"},
	"ReplicationController": {"spec", "template", "spec"},
	"StatefulSet":           {"spec", "template", "spec"},
	"Job":                   {"spec", "template", "spec"},
	"CronJob":               {"spec", "jobTemplate", "spec", "template", "spec"},
}

// PodSpecPath returns where Kyverno finds the pod spec of a kind (Pod and
// the pod controllers), and false for any other kind. The path is a copy.
func PodSpecPath(kind string) ([]string, bool) {
	p, ok := podSpecPaths[kind]
	return append([]string(nil), p...), ok
}

// ResourceImages computes the images variable for a resource of one of the
// kinds Kyverno extracts images from (Pod and the pod controllers). It
// returns nil for other kinds.
func ResourceImages(resource *yaml.RNode) (map[string]interface{}, error) {
	if resource == nil {
		return nil, nil
	}
	root := resource.YNode()
	path, ok := podSpecPaths[yamlnode.Scalar(yamlnode.Field(root, "kind"))]
	if !ok {
		return nil, nil
	}
	spec := root
	for _, k := range path {
		if spec = yamlnode.Field(spec, k); spec == nil {
			return map[string]interface{}{}, nil
		}
	}
	return imagesAt(spec, "/"+strings.Join(path, "/"))
}
