package images

import (
	"testing"

	"github.com/distribution/reference"
)

const (
	digestA = "sha256:1f2c4e1d0e3b6f0f9b2b4c3d2a1e0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a"
	digestB = "sha256:01038e7de14b78d702d2849c3aad72fd25903c4765af63cf16aa3398f5d5f2dd"
)

// ReferenceSources are images as charts write them: Docker Hub short
// names, registries with a port, localhost, digests with and without a tag.
var referenceSources = []string{
	"nginx",
	"nginx:1.25",
	"library/nginx",
	"docker.io/library/nginx:1.25",
	"quay.io/x/y@" + digestA,
	"x/y:t@" + digestB,
	"localhost/app",
	"localhost:5000/team/app:1",
	"10.0.0.5:5000/app",
	"registry.example.com:443/app:1",
}

var referenceMirrors = []string{"registry.local", "localhost:5000", "10.0.0.5:5000/mirror"}

// TestRewriteReferences holds every mirror name Rewrite gives, in both
// layouts, to github.com/distribution/reference, the parser container
// runtimes and registries use: each must parse, name the same tag or
// digest as the source, and be left alone by a second rewrite.
func TestRewriteReferences(t *testing.T) {
	for _, mirror := range referenceMirrors {
		for _, normalize := range []bool{false, true} {
			m := Mirror{Registry: mirror, Normalize: normalize}
			for _, src := range referenceSources {
				if _, err := reference.ParseAnyReference(src); err != nil {
					t.Fatalf("the source %q is not a reference: %v", src, err)
				}
				got, err := m.Rewrite(src)
				if err != nil {
					t.Errorf("%+v.Rewrite(%q): %v", m, src, err)
					continue
				}
				named, err := reference.ParseNormalizedNamed(got)
				if err != nil {
					t.Errorf("%+v.Rewrite(%q) = %q: not a reference: %v", m, src, got, err)
					continue
				}
				if _, err := reference.ParseAnyReference(got); err != nil {
					t.Errorf("%+v.Rewrite(%q) = %q: ParseAnyReference: %v", m, src, got, err)
				}
				if reference.Domain(named) != hostOf(mirror) {
					t.Errorf("%+v.Rewrite(%q) = %q: pulled from %q, not the mirror", m, src, got, reference.Domain(named))
				}
				samePin(t, src, got, normalize)
				again, err := m.Rewrite(got)
				if err != nil || again != got {
					t.Errorf("%+v.Rewrite(%q) = %q, %v; a second rewrite changed %q", m, got, again, err, got)
				}
			}
		}
	}
}

// TestRewriteLeavesUnmirrorable keeps images of an IPv6 registry or of a
// host written with capitals, which no mirror path can hold, as they are
// (restrict-image-registries reports them).
func TestRewriteLeavesUnmirrorable(t *testing.T) {
	for _, src := range []string{"[::1]:5000/app", "[fe80::1]/team/app:1", "Registry.Example.com/app:1"} {
		if _, err := reference.ParseNormalizedNamed(src); err != nil {
			t.Fatalf("distribution/reference refuses %q: %v", src, err)
		}
		for _, mirror := range referenceMirrors {
			for _, normalize := range []bool{false, true} {
				m := Mirror{Registry: mirror, Normalize: normalize}
				if got, err := m.Rewrite(src); err != nil || got != src {
					t.Errorf("%+v.Rewrite(%q) = %q, %v; want it unchanged", m, src, got, err)
				}
			}
		}
	}
	for _, src := range []string{"nginx:V1", "x/y:T", "a.io/b:LATEST"} {
		if !Mirrorable(src) {
			t.Errorf("Mirrorable(%q) = false: a capital in the tag is no capital in the registry", src)
		}
	}
}

// samePin checks that the mirror name pins what the source pins: the same
// digest, else the same tag (latest when the source has none and the
// layout is normalised, none when it is kept as written).
func samePin(t *testing.T, src, got string, normalize bool) {
	t.Helper()
	s, _ := reference.ParseNormalizedNamed(src)
	g, _ := reference.ParseNormalizedNamed(got)
	sd, sdOK := s.(reference.Digested)
	gd, gdOK := g.(reference.Digested)
	if sdOK != gdOK || (sdOK && sd.Digest() != gd.Digest()) {
		t.Errorf("%q -> %q: the digest changed", src, got)
	}
	if sdOK && normalize {
		return // the normalised layout keeps the digest alone
	}
	st, stOK := s.(reference.Tagged)
	gt, gtOK := g.(reference.Tagged)
	switch {
	case stOK && (!gtOK || st.Tag() != gt.Tag()):
		t.Errorf("%q -> %q: the tag changed", src, got)
	case !stOK && !sdOK && normalize && (!gtOK || gt.Tag() != "latest"):
		t.Errorf("%q -> %q: the normalised name has no :latest", src, got)
	case !stOK && !normalize && gtOK:
		t.Errorf("%q -> %q: a tag was added", src, got)
	}
}

func hostOf(mirror string) string {
	for i := 0; i < len(mirror); i++ {
		if mirror[i] == '/' {
			return mirror[:i]
		}
	}
	return mirror
}
