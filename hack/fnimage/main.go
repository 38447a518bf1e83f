// Command fnimage builds preadmit's KRM function image without a container
// engine (make image): a static binary on an empty base, written as an OCI
// image layout and a docker-loadable tarball. See internal/fnimage.
//
//	go run ./hack/fnimage -platform linux/amd64,linux/arm64 -version v0.1.0
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/google/go-containerregistry/pkg/name"
	v1 "github.com/google/go-containerregistry/pkg/v1"

	"github.com/preadmit/preadmit/internal/fnimage"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:])
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "fnimage:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string) error {
	fs := flag.NewFlagSet("fnimage", flag.ContinueOnError)
	platforms := fs.String("platform", "linux/"+runtime.GOARCH, "comma-separated platforms of the index")
	tag := fs.String("tag", "ghcr.io/preadmit/preadmit-fn:dev", "image name in the tarball; its tag names the layout's entry")
	s := fnimage.Spec{Dir: "."}
	fs.StringVar(&s.Version, "version", "dev", "version stamped into the binary and the labels")
	fs.StringVar(&s.Revision, "revision", "", "source commit for the org.opencontainers.image.revision label")
	fs.StringVar(&s.Layout, "layout", "bin/preadmit-fn-oci", "OCI image layout directory to write (\"\" for none)")
	fs.StringVar(&s.Tarball, "tarball", "bin/preadmit-fn.tar", "docker-loadable tarball to write (\"\" for none)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	var err error
	if s.Tag, err = name.NewTag(*tag); err != nil {
		return err
	}
	for _, p := range strings.Split(*platforms, ",") {
		pl, err := v1.ParsePlatform(p)
		if err != nil {
			return err
		}
		s.Platforms = append(s.Platforms, *pl)
	}
	// Reproducible builds set SOURCE_DATE_EPOCH; without it, the epoch.
	if e := os.Getenv("SOURCE_DATE_EPOCH"); e != "" {
		sec, err := strconv.ParseInt(e, 10, 64)
		if err != nil {
			return fmt.Errorf("SOURCE_DATE_EPOCH: %w", err)
		}
		s.Created = time.Unix(sec, 0)
	}
	idx, err := fnimage.Build(ctx, s)
	if err != nil {
		return err
	}
	digest, err := idx.Digest()
	if err != nil {
		return err
	}
	fmt.Printf("%s %s (%s)\n", s.Tag, digest, *platforms)
	for _, out := range []string{s.Layout, s.Tarball} {
		if out != "" {
			fmt.Println("wrote", out)
		}
	}
	return nil
}
