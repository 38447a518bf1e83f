package fnimage

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"os"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/empty"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// What every image of the function is.
const (
	// BinaryPath is where the preadmit binary sits in the image.
	BinaryPath = "/usr/local/bin/preadmit"
	// User is distroless's "nonroot": a KRM function needs no privilege,
	// and kpt and Kubernetes' runAsNonRoot accept a numeric user.
	User = "65532:65532"
	// Source is the repository the org.opencontainers.image.source label
	// names; registries such as ghcr.io link the image to it.
	Source = "https://github.com/preadmit/preadmit"
)

// Entrypoint is the command the image runs: the KRM function.
var Entrypoint = []string{BinaryPath, "fn"}

// Options says what an image is stamped with.
type Options struct {
	// Version is the release (main.version in the binary and the
	// org.opencontainers.image.version label).
	Version string
	// Revision is the source commit (org.opencontainers.image.revision);
	// empty leaves the label out.
	Revision string
	// Created is the image's creation time and every file's time; the zero
	// value means the Unix epoch, so that the same binary gives the same
	// digest.
	Created time.Time
}

func (o Options) created() time.Time {
	if o.Created.IsZero() {
		return time.Unix(0, 0).UTC()
	}
	return o.Created.UTC()
}

// Labels are the image's OCI annotations as config labels.
func (o Options) Labels() map[string]string {
	l := map[string]string{
		"org.opencontainers.image.title":       "preadmit-fn",
		"org.opencontainers.image.description": "preadmit as a KRM function: Kyverno policies applied to a ResourceList",
		"org.opencontainers.image.source":      Source,
		"org.opencontainers.image.version":     o.Version,
	}
	if o.Revision != "" {
		l["org.opencontainers.image.revision"] = o.Revision
	}
	return l
}

// Image is the image of platform p around the static preadmit binary at
// binary (built for p: see Compile).
func Image(binary string, p v1.Platform, o Options) (v1.Image, error) {
	layer, err := rootLayer(binary, o.created())
	if err != nil {
		return nil, err
	}
	cfg := &v1.ConfigFile{
		Architecture: p.Architecture,
		OS:           p.OS,
		Variant:      p.Variant,
		Created:      v1.Time{Time: o.created()},
		Config: v1.Config{
			Entrypoint: Entrypoint,
			User:       User,
			WorkingDir: "/",
			Env:        []string{"PATH=/usr/local/bin"},
			Labels:     o.Labels(),
		},
		RootFS: v1.RootFS{Type: "layers"},
	}
	base := mutate.ConfigMediaType(mutate.MediaType(empty.Image, types.OCIManifestSchema1), types.OCIConfigJSON)
	img, err := mutate.ConfigFile(base, cfg)
	if err != nil {
		return nil, err
	}
	return mutate.Append(img, mutate.Addendum{
		Layer: layer,
		History: v1.History{
			Created:   v1.Time{Time: o.created()},
			CreatedBy: "fnimage: " + BinaryPath + " (preadmit " + o.Version + ")",
		},
		MediaType: types.OCILayer,
	})
}

// Index is the OCI image index of imgs, one manifest per platform.
func Index(imgs map[string]v1.Image, platforms []v1.Platform) (v1.ImageIndex, error) {
	adds := make([]mutate.IndexAddendum, 0, len(platforms))
	for _, p := range platforms {
		img, ok := imgs[p.String()]
		if !ok {
			return nil, fmt.Errorf("no image for platform %s", p)
		}
		adds = append(adds, mutate.IndexAddendum{
			Add:        img,
			Descriptor: v1.Descriptor{Platform: &p},
		})
	}
	return mutate.AppendManifests(empty.Index, adds...), nil
}

// rootLayer is the image's only layer: /usr/local/bin/preadmit and /tmp,
// owned by root, with fixed times. It is compressed once and kept in
// memory, as the layout and the tarball both write it.
func rootLayer(binary string, mtime time.Time) (v1.Layer, error) {
	bin, err := os.ReadFile(binary)
	if err != nil {
		return nil, fmt.Errorf("image layer: %w", err)
	}
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	entries := []struct {
		name string
		mode int64
		body []byte
	}{
		{"tmp/", 0o1777, nil},
		{"usr/", 0o755, nil},
		{"usr/local/", 0o755, nil},
		{"usr/local/bin/", 0o755, nil},
		{BinaryPath[1:], 0o755, bin},
	}
	for _, e := range entries {
		h := &tar.Header{Name: e.name, Mode: e.mode, ModTime: mtime, Typeflag: tar.TypeDir}
		if e.body != nil {
			h.Typeflag, h.Size = tar.TypeReg, int64(len(e.body))
		}
		if err := tw.WriteHeader(h); err != nil {
			return nil, fmt.Errorf("image layer: %w", err)
		}
		if _, err := tw.Write(e.body); err != nil {
			return nil, fmt.Errorf("image layer: %w", err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("image layer: %w", err)
	}
	data := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(data)), nil
	}, tarball.WithMediaType(types.OCILayer), tarball.WithCompressedCaching)
}
