package fnimage

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
)

// Spec is one build: the source, the platforms, the stamps and where the
// image goes.
type Spec struct {
	// Dir is the root of the preadmit module.
	Dir string
	// Platforms are the images of the index; at least one.
	Platforms []v1.Platform
	Options
	// Tag names the image in the tarball and, by its tag part, in the
	// layout (annotation org.opencontainers.image.ref.name).
	Tag name.Tag
	// Layout is the OCI image layout directory to write (replaced), with
	// the index of every platform; "" writes none.
	Layout string
	// Tarball is the docker-loadable tarball to write, with the image of
	// the host's platform when it is built, else of the first; "" writes
	// none.
	Tarball string
}

// Build compiles preadmit for every platform of s, builds their images and
// writes the layout and the tarball s asks for. It returns the index.
func Build(ctx context.Context, s Spec) (v1.ImageIndex, error) {
	if len(s.Platforms) == 0 {
		return nil, errors.New("no platform to build")
	}
	work, err := os.MkdirTemp("", "preadmit-fnimage-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(work)
	imgs := map[string]v1.Image{}
	for _, p := range s.Platforms {
		bin := filepath.Join(work, p.OS+"-"+p.Architecture+p.Variant, "preadmit")
		if err := Compile(ctx, s.Dir, p, s.Version, bin); err != nil {
			return nil, err
		}
		if imgs[p.String()], err = Image(bin, p, s.Options); err != nil {
			return nil, fmt.Errorf("image for %s: %w", p, err)
		}
	}
	idx, err := Index(imgs, s.Platforms)
	if err != nil {
		return nil, err
	}
	if s.Layout != "" {
		if err := WriteLayout(s.Layout, idx, s.Tag); err != nil {
			return nil, err
		}
	}
	if s.Tarball != "" {
		if err := WriteTarball(s.Tarball, s.Tag, imgs[tarballPlatform(s.Platforms).String()]); err != nil {
			return nil, err
		}
	}
	return idx, nil
}

// tarballPlatform is the platform whose image goes in the tarball: the
// host's, so that "docker load" gives an image that runs, else the first.
func tarballPlatform(ps []v1.Platform) v1.Platform {
	for _, p := range ps {
		if p.OS == "linux" && p.Architecture == runtime.GOARCH {
			return p
		}
	}
	return ps[0]
}

// WriteLayout writes idx as the only entry of a new OCI image layout in
// dir, named by tag's tag part ("skopeo copy --all oci:DIR:TAG ...").
func WriteLayout(dir string, idx v1.ImageIndex, tag name.Tag) error {
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	p, err := layout.Write(dir, empty.Index)
	if err != nil {
		return fmt.Errorf("image layout %s: %w", dir, err)
	}
	ann := map[string]string{"org.opencontainers.image.ref.name": tag.TagStr()}
	if err := p.AppendIndex(idx, layout.WithAnnotations(ann)); err != nil {
		return fmt.Errorf("image layout %s: %w", dir, err)
	}
	return nil
}

// WriteTarball writes img as a docker-style tarball at path, tagged tag.
func WriteTarball(path string, tag name.Tag, img v1.Image) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	if err := tarball.WriteToFile(path, tag, img); err != nil {
		return fmt.Errorf("image tarball %s: %w", path, err)
	}
	return nil
}
