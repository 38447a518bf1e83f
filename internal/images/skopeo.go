package images

import (
	"bytes"
	"fmt"
	"io"
	"slices"
	"strings"

	yamlv3 "go.yaml.in/yaml/v3"

	"github.com/preadmit/preadmit/transform/variables"
)

// skopeoRegistry is one registry of a skopeo sync YAML file
// (skopeo sync --src yaml): repository -> tags and digests.
type skopeoRegistry struct {
	Images map[string][]string `yaml:"images"`
}

// writeSkopeo prints a skopeo sync source file: source registry ->
// images -> repository -> [tag or digest]. With --scoped, skopeo stores
// each image under its fully qualified name (registry.local/docker.io/
// library/nginx:1.25), which is the --registry-normalize layout; skopeo
// refuses references with both a tag and a digest, so the digest is kept.
func writeSkopeo(w io.Writer, s *Set, m Mirror) error {
	ims, _, err := copies(s, m)
	if err != nil {
		return err
	}
	cfg := map[string]*skopeoRegistry{}
	for _, im := range ims {
		info := im.Info
		repo := info.Path
		if info.Registry == "docker.io" && !strings.Contains(repo, "/") {
			repo = "library/" + repo
		}
		ref := info.Tag
		if info.Digest != "" {
			ref = info.Digest
		}
		r := cfg[info.Registry]
		if r == nil {
			r = &skopeoRegistry{Images: map[string][]string{}}
			cfg[info.Registry] = r
		}
		if !slices.Contains(r.Images[repo], ref) {
			r.Images[repo] = append(r.Images[repo], ref)
		}
	}
	for _, r := range cfg {
		for k := range r.Images {
			slices.Sort(r.Images[k])
		}
	}
	dest := m.Registry
	if dest == "" {
		dest = "MIRROR"
	}
	var buf bytes.Buffer
	fmt.Fprintf(&buf, "# skopeo sync source file written by preadmit images. Copy the images with:\n")
	fmt.Fprintf(&buf, "#   skopeo sync --src yaml --dest docker --scoped images.yaml %s\n", dest)
	fmt.Fprintf(&buf, "# --scoped keeps the source registry and repository in the mirror\n")
	fmt.Fprintf(&buf, "# (%s/docker.io/library/nginx:1.25): render with --registry-normalize.\n", dest)
	if len(cfg) == 0 {
		buf.WriteString("{}\n")
	} else {
		b, err := yamlv3.Marshal(cfg)
		if err != nil {
			return fmt.Errorf("writing skopeo YAML: %w", err)
		}
		buf.Write(b)
	}
	_, err = w.Write(buf.Bytes())
	return err
}

// SkopeoMismatches returns the images whose name in the mirror differs
// from where skopeo sync --scoped stores them: with the default layout
// (the reference as written), images written without a registry or as
// docker.io/<name>; in either layout, images of a registry with a port,
// which skopeo would store under a name holding a colon. Callers warn
// about them.
func SkopeoMismatches(s *Set, m Mirror) ([]string, error) {
	if m.Registry == "" {
		return nil, nil
	}
	ims, dst, err := copies(s, m)
	if err != nil {
		return nil, err
	}
	var out []string
	for i, im := range ims {
		n := normalized(im.Info)
		if scoped := m.Registry + "/" + n; !samePull(scoped, dst[i]) {
			// A registry with a port has no scoped name that render
			// gives in either layout.
			hint := "use render --registry-normalize, or -o crane"
			if m.Normalize || hostPort.MatchString(n) {
				hint = "copy it with -o crane"
			}
			out = append(out, fmt.Sprintf("%s: render --registry expects %s, skopeo sync --scoped writes %s; %s", im.Ref, dst[i], scoped, hint))
		}
	}
	return out, nil
}

// samePull reports whether two references pull the same image: the same
// repository, and the same digest when there is one, else the same tag.
func samePull(a, b string) bool {
	x, errA := variables.ParseImage(a)
	y, errB := variables.ParseImage(b)
	if errA != nil || errB != nil {
		return a == b
	}
	if x.Registry != y.Registry || x.Path != y.Path {
		return false
	}
	if x.Digest != "" || y.Digest != "" {
		return x.Digest == y.Digest
	}
	return x.Tag == y.Tag
}
