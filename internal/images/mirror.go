package images

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/preadmit/preadmit/transform/variables"
	"github.com/preadmit/preadmit/transform/wildcard"
)

// Mirror says how images are renamed into a mirror registry. It predicts
// what the mirror-images policy writes for the same settings (the
// variables preadmit.registry, preadmit.registryNormalize and
// preadmit.registryExclude); the tests hold the two together.
type Mirror struct {
	// Registry is the mirror, "host[:port][/path]"; "" means no mirror.
	Registry string
	// Normalize writes the normalised source reference after the mirror
	// (registry.local/docker.io/library/nginx:1.25) instead of the
	// reference as written (registry.local/nginx:1.25).
	Normalize bool
	// Exclude are wildcard patterns (Kyverno's "*" and "?") of images to
	// leave alone, matched against the reference as written.
	Exclude []string
}

// MirrorError reports a --registry value that is not a registry.
type MirrorError struct {
	Value string
	Msg   string
}

func (e *MirrorError) Error() string {
	return fmt.Sprintf("--registry %q: %s (expected HOST[:PORT][/PATH], e.g. registry.local or registry.local:5000/mirror)", e.Value, e.Msg)
}

// ParseRegistry checks a mirror name and returns it without a trailing
// slash. A scheme, a tag or a digest is an error.
func ParseRegistry(s string) (string, error) {
	v := strings.TrimRight(strings.TrimSpace(s), "/")
	switch {
	case v == "":
		return "", &MirrorError{Value: s, Msg: "empty"}
	case strings.Contains(v, "://"):
		return "", &MirrorError{Value: s, Msg: "a registry has no scheme"}
	case strings.ContainsAny(v, "@ \t"):
		return "", &MirrorError{Value: s, Msg: "a registry has no digest or spaces"}
	}
	host, _, _ := strings.Cut(v, "/")
	if !strings.ContainsAny(host, ".:") && host != "localhost" {
		return "", &MirrorError{Value: s, Msg: fmt.Sprintf("%q is not a registry host: it needs a dot or a port (as in registry.local or mirror:5000), else container runtimes read it as a Docker Hub path", host)}
	}
	info, err := variables.ParseImage(v + "/image")
	if err != nil || info.Registry != host || info.Tag != "latest" {
		return "", &MirrorError{Value: s, Msg: "not a valid registry host and path"}
	}
	return v, nil
}

// Excluded reports whether an image matches an exclude pattern.
func (m Mirror) Excluded(image string) bool {
	for _, p := range m.Exclude {
		if wildcard.Match(p, image) {
			return true
		}
	}
	return false
}

// Under reports whether an image is already pulled from the mirror.
func (m Mirror) Under(image string) bool {
	return m.Registry != "" && strings.HasPrefix(image, m.Registry+"/")
}

// Rewrite returns the name of an image in the mirror: the image itself
// when there is no mirror, when it is excluded or already under the
// mirror (the rewrite is idempotent), or when it has no name there (an
// IPv6 registry).
func (m Mirror) Rewrite(image string) (string, error) {
	if m.Registry == "" || m.Under(image) || m.Excluded(image) || !Mirrorable(image) {
		return image, nil
	}
	if !m.Normalize {
		return m.Registry + "/" + MirrorPath(image), nil
	}
	n, err := Normalize(image)
	if err != nil {
		return "", err
	}
	return m.Registry + "/" + MirrorPath(n), nil
}

// hostPort is a source registry with a port, the first path component.
var hostPort = regexp.MustCompile(`^([^/:]+):([0-9]+)/`)

// MirrorPath is the path a reference gets under a mirror. A path
// component holds no colon, so the port of a source registry becomes
// "_port": localhost:5000/team/app:1 -> localhost_5000/team/app:1. Host
// names hold no "_", so the name stays unambiguous. mirror-images does the
// same with the same regex_replace_all.
func MirrorPath(ref string) string {
	return hostPort.ReplaceAllString(ref, "${1}_${2}/")
}

// unmirrorable is a source registry no path component can hold: an IPv6
// address ([::1]:5000) or a host with capitals (Registry.Example.com), as
// a repository path is lowercase.
var unmirrorable = regexp.MustCompile(`^[^/]*[A-Z[][^/]*/`)

// Mirrorable reports whether an image has a name under a mirror path: not
// one of an IPv6 registry ([::1]:5000/app) or of a host written with
// capitals. mirror-images leaves those alone (with the same regex_match),
// and restrict-image-registries reports them.
func Mirrorable(image string) bool {
	return !unmirrorable.MatchString(image)
}

// Normalize returns the fully qualified form of a reference, as container
// runtimes resolve it: registry, repository with Docker Hub's "library/"
// for official images, and the tag ("latest" when none) or, when there is
// a digest, the digest alone (nginx:1.25 -> docker.io/library/nginx:1.25).
// It is Kyverno's image_normalize plus "library/", which image_normalize
// leaves out but Docker Hub, skopeo and crane put in.
func Normalize(image string) (string, error) {
	info, err := variables.ParseImage(image)
	if err != nil {
		return "", err
	}
	return normalized(info), nil
}

func normalized(info variables.ImageInfo) string {
	if info.Registry == variables.DefaultRegistry && !strings.Contains(info.Path, "/") {
		info.Path = "library/" + info.Path
	}
	return info.String()
}
