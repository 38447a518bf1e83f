package main

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/distribution/reference"
)

// referenceImages are images as charts write them: Docker Hub short names,
// registries with a port, localhost, digests with and without a tag.
var referenceImages = []string{
	"nginx",
	"nginx:1.25",
	"library/nginx",
	"docker.io/library/nginx:1.25",
	"quay.io/x/y@sha256:1f2c4e1d0e3b6f0f9b2b4c3d2a1e0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a",
	"x/y:t@sha256:01038e7de14b78d702d2849c3aad72fd25903c4765af63cf16aa3398f5d5f2dd",
	"localhost/app",
	"localhost:5000/team/app:1",
	"10.0.0.5:5000/app",
}

// unmirrorableImages have no name under a mirror path (an IPv6 registry, a
// host with capitals): mirror-images leaves them alone.
var unmirrorableImages = []string{"[::1]:5000/app", "Registry.Example.com/app:1"}

// podWith is a Pod with one container per image.
func podWith(images []string) []byte {
	var b strings.Builder
	b.WriteString("apiVersion: v1\nkind: Pod\nmetadata:\n  name: images\nspec:\n  containers:\n")
	for i, im := range images {
		fmt.Fprintf(&b, "  - name: c%d\n    image: %q\n", i, im)
	}
	return []byte(b.String())
}

// TestRegistryReferences runs the built-in mirror-images policy over every
// kind of reference, into mirrors with a port, a path and localhost, in
// both layouts, and holds the result to github.com/distribution/reference,
// the parser container runtimes and registries use: every image written
// parses, is pulled from the mirror, and is what "preadmit images"
// predicts; a second render changes nothing; and "preadmit images -o json"
// on the rendered stream gives every image back as its own mirror name.
func TestRegistryReferences(t *testing.T) {
	in := podWith(append(slices.Clone(referenceImages), unmirrorableImages...))
	for _, mirror := range []string{"registry.local", "localhost:5000", "10.0.0.5:5000/mirror"} {
		for _, normalize := range []bool{false, true} {
			flags := []string{"--registry", mirror}
			if normalize {
				flags = append(flags, "--registry-normalize")
			}
			t.Run(strings.Join(flags, " "), func(t *testing.T) {
				host, _, _ := strings.Cut(mirror, "/")
				rendered := runCmd(t, withArgs([]string{"render", "-q"}, flags...), in, nil)
				if rendered.code != 0 {
					t.Fatalf("render: exit %d\n%s", rendered.code, rendered.stderr)
				}
				got := containerImages(t, []byte(rendered.stdout))
				for i, im := range got {
					named, err := reference.ParseNormalizedNamed(im)
					if err != nil {
						t.Errorf("%s was written as %q, not a reference: %v", referenceImages[min(i, len(referenceImages)-1)], im, err)
						continue
					}
					if _, err := reference.ParseAnyReference(im); err != nil {
						t.Errorf("%q: ParseAnyReference: %v", im, err)
					}
					mirrored := i < len(referenceImages)
					if d := reference.Domain(named); mirrored != (d == host) {
						t.Errorf("%q is pulled from %q (mirror %q)", im, d, host)
					}
				}
				if n := len(referenceImages); !slices.Equal(got[n:], unmirrorableImages) {
					t.Errorf("images no mirror path can name were rewritten: %q", got[n:])
				}

				listed := runCmd(t, withArgs([]string{"images", "-o", "json"}, flags...), in, nil)
				var before []struct{ Image, Mirrored, Normalized string }
				if err := json.Unmarshal([]byte(listed.stdout), &before); err != nil || listed.code != 0 {
					t.Fatalf("images -o json: exit %d, %v\n%s", listed.code, err, listed.stderr)
				}
				predicted := map[string]string{}
				for _, e := range before {
					predicted[e.Image] = e.Mirrored
					named, err := reference.ParseNormalizedNamed(e.Image)
					if err != nil {
						t.Fatal(err)
					}
					if _, digested := named.(reference.Digested); !digested && e.Normalized != reference.TagNameOnly(named).String() {
						t.Errorf("images normalises %q to %q, distribution/reference to %q", e.Image, e.Normalized, reference.TagNameOnly(named).String())
					}
				}
				for i, src := range append(slices.Clone(referenceImages), unmirrorableImages...) {
					if predicted[src] != got[i] {
						t.Errorf("images predicted %q -> %q, render wrote %q", src, predicted[src], got[i])
					}
				}

				again := runCmd(t, withArgs([]string{"render", "-q"}, flags...), []byte(rendered.stdout), nil)
				if again.code != 0 || again.stdout != rendered.stdout {
					t.Errorf("a second render changed the stream (exit %d):\n%s", again.code, firstDiff(again.stdout, rendered.stdout))
				}
				relisted := runCmd(t, withArgs([]string{"images", "-o", "json"}, flags...), []byte(rendered.stdout), nil)
				var after []struct{ Image, Mirrored string }
				if err := json.Unmarshal([]byte(relisted.stdout), &after); err != nil || relisted.code != 0 {
					t.Fatalf("images -o json on the rendered stream: exit %d, %v\n%s", relisted.code, err, relisted.stderr)
				}
				var images []string
				for _, e := range after {
					images = append(images, e.Image)
					if e.Mirrored != e.Image {
						t.Errorf("images on its own mirror names renames %q to %q", e.Image, e.Mirrored)
					}
				}
				if !slices.Equal(images, sortedUnique(got)) {
					t.Errorf("images on the rendered stream lists %q, render wrote %q", images, sortedUnique(got))
				}
			})
		}
	}
}
