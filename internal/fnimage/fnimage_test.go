package fnimage_test

import (
	"archive/tar"
	"bytes"
	"context"
	"debug/elf"
	"errors"
	"io"
	"log"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"testing"

	cranecmd "github.com/google/go-containerregistry/cmd/crane/cmd"
	"github.com/google/go-containerregistry/pkg/name"
	"github.com/google/go-containerregistry/pkg/registry"
	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/layout"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
	"github.com/google/go-containerregistry/pkg/v1/remote"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/internal/fnimage"
)

// resourceList is what kustomize or kpt would send the function: a
// Deployment with a mutable image tag, and a functionConfig that mirrors
// every image, audits (so the tag is reported, not fatal) and writes a
// report under /tmp, the one writable directory of the image.
const resourceList = `apiVersion: config.kubernetes.io/v1
kind: ResourceList
items:
- apiVersion: apps/v1
  kind: Deployment
  metadata:
    name: web
  spec:
    selector:
      matchLabels: {app: web}
    template:
      metadata:
        labels: {app: web}
      spec:
        containers:
        - name: web
          image: nginx:latest
functionConfig:
  apiVersion: fn.preadmit.io/v1alpha1
  kind: Preadmit
  metadata:
    name: preadmit
  spec:
    mode: audit
    registry: mirror.corp.example
    reportFile: /tmp/report.json
    reportFormat: json
`

// TestImage builds the function image as make image does (the host's
// platform only, to keep it quick), reads it back from the OCI layout and
// from the tarball with go-containerregistry, checks its configuration and
// files, and runs the binary taken out of the image's layer on a
// ResourceList: chrooted into the extracted filesystem, as the image's user,
// with the image's environment only. Then it publishes both as the README
// says, with crane's own "push" command, to a registry on the loopback.
func TestImage(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the image is linux; running its binary needs a linux host")
	}
	out := t.TempDir()
	platform := v1.Platform{OS: "linux", Architecture: runtime.GOARCH}
	tag, err := name.NewTag("ghcr.io/preadmit/preadmit-fn:test")
	if err != nil {
		t.Fatal(err)
	}
	spec := fnimage.Spec{
		Dir:       filepath.Join("..", ".."),
		Platforms: []v1.Platform{platform},
		Options:   fnimage.Options{Version: "v0.0.0-imagetest", Revision: "0123abc"},
		Tag:       tag,
		Layout:    filepath.Join(out, "oci"),
		Tarball:   filepath.Join(out, "fn.tar"),
	}
	if _, err := fnimage.Build(context.Background(), spec); err != nil {
		t.Fatal(err)
	}

	fromLayout := layoutImage(t, spec.Layout, "test", platform)
	fromTarball, err := tarball.ImageFromPath(spec.Tarball, &tag)
	if err != nil {
		t.Fatalf("tarball: %v", err)
	}
	for _, tc := range []struct {
		name string
		img  v1.Image
	}{{"layout", fromLayout}, {"tarball", fromTarball}} {
		t.Run(tc.name, func(t *testing.T) {
			checkConfig(t, tc.img, platform, spec.Options)
			root := extract(t, tc.img)
			checkFiles(t, root)
			checkStatic(t, filepath.Join(root, fnimage.BinaryPath), platform)
			runFunction(t, tc.img, root)
		})
	}
	t.Run("crane push", func(t *testing.T) {
		// The README's publish commands, with crane's own command code,
		// to a registry on the loopback instead of ghcr.io.
		reg := httptest.NewServer(registry.New(registry.Logger(log.New(io.Discard, "", 0))))
		defer reg.Close()
		host := strings.TrimPrefix(reg.URL, "http://")
		idx, err := layout.ImageIndexFromPath(spec.Layout)
		if err != nil {
			t.Fatal(err)
		}
		m, _ := idx.IndexManifest()
		for _, push := range []struct{ path, ref, want string }{
			{spec.Layout, host + "/preadmit-fn:v0.1.0", m.Manifests[0].Digest.String()},
			{spec.Tarball, host + "/preadmit-fn:host", ""},
		} {
			root := cranecmd.New("crane", "", nil)
			var out bytes.Buffer
			root.SetOut(&out)
			root.SetErr(io.Discard)
			root.SetArgs([]string{"push", push.path, push.ref})
			if err := root.Execute(); err != nil {
				t.Fatalf("crane push %s %s: %v", push.path, push.ref, err)
			}
			ref, err := name.ParseReference(push.ref)
			if err != nil {
				t.Fatal(err)
			}
			desc, err := remote.Get(ref)
			if err != nil {
				t.Fatalf("pulling back %s: %v", push.ref, err)
			}
			if push.want != "" && desc.Digest.String() != push.want {
				t.Errorf("pushed %s, want the layout's index %s", desc.Digest, push.want)
			}
			if !strings.Contains(out.String(), desc.Digest.String()) {
				t.Errorf("crane printed %q, not the digest %s", out.String(), desc.Digest)
			}
		}
	})
	// A docker tarball keeps the config and the layers, not the manifest.
	lc, _ := fromLayout.ConfigName()
	tc, _ := fromTarball.ConfigName()
	if lc != tc {
		t.Errorf("the layout's image config %s and the tarball's %s differ", lc, tc)
	}
}

// layoutImage is the image of platform p in the index the layout names tag.
func layoutImage(t *testing.T, dir, tag string, p v1.Platform) v1.Image {
	t.Helper()
	top, err := layout.ImageIndexFromPath(dir)
	if err != nil {
		t.Fatalf("layout: %v", err)
	}
	m, err := top.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Manifests) != 1 || m.Manifests[0].Annotations["org.opencontainers.image.ref.name"] != tag {
		t.Fatalf("layout index.json: want one entry named %q, got %+v", tag, m.Manifests)
	}
	idx, err := top.ImageIndex(m.Manifests[0].Digest)
	if err != nil {
		t.Fatalf("layout: the entry is not an index: %v", err)
	}
	im, err := idx.IndexManifest()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range im.Manifests {
		if d.Platform != nil && d.Platform.Equals(p) {
			img, err := idx.Image(d.Digest)
			if err != nil {
				t.Fatal(err)
			}
			return img
		}
	}
	t.Fatalf("layout: no image for %s in %+v", p, im.Manifests)
	return nil
}

func checkConfig(t *testing.T, img v1.Image, p v1.Platform, o fnimage.Options) {
	t.Helper()
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(cf.Config.Entrypoint, " "); got != "/usr/local/bin/preadmit fn" {
		t.Errorf("Entrypoint = %q, want /usr/local/bin/preadmit fn", got)
	}
	uid, gid := imageUser(t, cf.Config.User)
	if uid == 0 || gid == 0 {
		t.Errorf("User = %q: the function must not run as root", cf.Config.User)
	}
	if cf.OS != p.OS || cf.Architecture != p.Architecture {
		t.Errorf("platform = %s/%s, want %s", cf.OS, cf.Architecture, p)
	}
	for k, want := range map[string]string{
		"org.opencontainers.image.source":   "https://github.com/preadmit/preadmit",
		"org.opencontainers.image.version":  o.Version,
		"org.opencontainers.image.revision": o.Revision,
	} {
		if got := cf.Config.Labels[k]; got != want {
			t.Errorf("label %s = %q, want %q", k, got, want)
		}
	}
	if cf.Created.Unix() != 0 {
		t.Errorf("Created = %v, want the Unix epoch (reproducible)", cf.Created)
	}
	layers, err := img.Layers()
	if err != nil || len(layers) != 1 {
		t.Errorf("want one layer (FROM scratch), got %d (%v)", len(layers), err)
	}
}

// imageUser parses the image's numeric "uid:gid" user.
func imageUser(t *testing.T, user string) (int, int) {
	t.Helper()
	u, g, ok := strings.Cut(user, ":")
	uid, err1 := strconv.Atoi(u)
	gid, err2 := strconv.Atoi(g)
	if !ok || err1 != nil || err2 != nil {
		t.Fatalf("User = %q, want numeric uid:gid (Kubernetes' runAsNonRoot needs a number)", user)
	}
	return uid, gid
}

// extract writes the image's flattened filesystem (mutate.Extract) into a
// fresh directory, with the modes of the layer.
func extract(t *testing.T, img v1.Image) string {
	t.Helper()
	root := t.TempDir()
	// The image's root directory, which its user must be able to enter.
	if err := os.Chmod(root, 0o755); err != nil {
		t.Fatal(err)
	}
	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		p := filepath.Join(root, filepath.FromSlash(h.Name))
		switch h.Typeflag {
		case tar.TypeDir:
			if err := os.MkdirAll(p, 0o755); err != nil {
				t.Fatal(err)
			}
		case tar.TypeReg:
			b, err := io.ReadAll(tr)
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(p, b, 0o644); err != nil {
				t.Fatal(err)
			}
		default:
			t.Fatalf("%s: unexpected entry type %c in the image", h.Name, h.Typeflag)
		}
		if err := os.Chmod(p, h.FileInfo().Mode()); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

// checkFiles: the binary, /tmp, and nothing else (no shell, no libc).
func checkFiles(t *testing.T, root string) {
	t.Helper()
	var files []string
	err := filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(root, p)
			files = append(files, "/"+filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(files, " ") != fnimage.BinaryPath {
		t.Errorf("files in the image: %v, want only %s", files, fnimage.BinaryPath)
	}
	fi, err := os.Stat(filepath.Join(root, "tmp"))
	if err != nil || fi.Mode().Perm() != 0o777 || fi.Mode()&os.ModeSticky == 0 {
		t.Errorf("/tmp: want a world-writable sticky directory, got %v (%v)", fi.Mode(), err)
	}
}

// checkStatic: an ELF for the platform's machine with no dynamic loader.
func checkStatic(t *testing.T, bin string, p v1.Platform) {
	t.Helper()
	f, err := elf.Open(bin)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	want := map[string]elf.Machine{"amd64": elf.EM_X86_64, "arm64": elf.EM_AARCH64}[p.Architecture]
	if want != 0 && f.Machine != want {
		t.Errorf("binary machine %v, want %v", f.Machine, want)
	}
	for _, prog := range f.Progs {
		if prog.Type == elf.PT_INTERP {
			t.Errorf("binary has a dynamic loader: the image has no libc, it must be static (CGO_ENABLED=0)")
		}
	}
}

// runFunction runs the image's entrypoint on resourceList the way a
// container runtime would: root directory the extracted image, the image's
// user, working directory and environment, nothing of the host's.
func runFunction(t *testing.T, img v1.Image, root string) {
	t.Helper()
	cf, err := img.ConfigFile()
	if err != nil {
		t.Fatal(err)
	}
	uid, gid := imageUser(t, cf.Config.User)
	ep := cf.Config.Entrypoint
	// Path and Args are the image's: they are resolved inside the chroot.
	cmd := &exec.Cmd{Path: ep[0], Args: ep, Env: cf.Config.Env, Dir: cf.Config.WorkingDir}
	cmd.Stdin = strings.NewReader(resourceList)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	cmd.SysProcAttr = isolation(uid, gid, root)
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\nstderr:\n%s", strings.Join(ep, " "), err, stderr.String())
	}

	out, err := yaml.Parse(stdout.String())
	if err != nil {
		t.Fatalf("output is not a ResourceList: %v\n%s", err, stdout.String())
	}
	image, err := out.Pipe(yaml.Lookup("items", "0", "spec", "template", "spec", "containers", "0", "image"))
	if err != nil || image == nil {
		t.Fatalf("no container image in the output: %v\n%s", err, stdout.String())
	}
	if got := yaml.GetValue(image); got != "mirror.corp.example/nginx:latest" {
		t.Errorf("image = %q, want the mirror's (mirror.corp.example/nginx:latest)\n%s", got, stdout.String())
	}
	if !strings.Contains(stdout.String(), "disallow-latest-tag") {
		t.Errorf("results do not report the mutable tag:\n%s", stdout.String())
	}
	if _, err := os.Stat(filepath.Join(root, "tmp", "report.json")); err != nil {
		t.Errorf("the report under /tmp was not written as the image's user: %v", err)
	}
}

// isolation chroots the process into root as uid:gid. As root that is
// plain chroot and setuid; otherwise a user namespace maps the image's user
// to the caller, which makes chroot allowed.
func isolation(uid, gid int, root string) *syscall.SysProcAttr {
	if os.Geteuid() == 0 {
		return &syscall.SysProcAttr{
			Chroot:     root,
			Credential: &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)},
		}
	}
	return &syscall.SysProcAttr{
		Chroot:                     root,
		Cloneflags:                 syscall.CLONE_NEWUSER,
		UidMappings:                []syscall.SysProcIDMap{{ContainerID: uid, HostID: os.Getuid(), Size: 1}},
		GidMappings:                []syscall.SysProcIDMap{{ContainerID: gid, HostID: os.Getgid(), Size: 1}},
		GidMappingsEnableSetgroups: false,
	}
}
