// Package fnimage builds the container image of preadmit's KRM function
// without a container runtime or a registry: it compiles a static preadmit
// for each platform (CGO_ENABLED=0, -trimpath, the version stamped), puts it
// on an empty base (FROM scratch) with go-containerregistry, as ko does, and
// writes the result as an OCI image layout (every platform, one index) and as
// a tarball that "docker load" and "crane push" read (one platform).
//
// The image holds the binary at /usr/local/bin/preadmit and an empty,
// world-writable /tmp, nothing else: no shell, no libc, no base layers to
// patch. Its entrypoint is "preadmit fn", its user the non-root 65532:65532,
// and its labels say where it came from. The build is reproducible: file
// times and the creation date are fixed (Options.Created). The package must
// not push anywhere or talk to a container engine; publishing is crane's or
// skopeo's job.
package fnimage
