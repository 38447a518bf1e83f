package fnimage

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"

	v1 "github.com/google/go-containerregistry/pkg/v1"
)

// Compile builds the preadmit command of the module in dir as a static
// binary for platform p and writes it to out: no cgo (the image has no libc),
// no local paths (-trimpath), no symbol tables, and main.version set to
// version. It reuses the Go build cache like any go build.
func Compile(ctx context.Context, dir string, p v1.Platform, version, out string) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath",
		"-ldflags", "-s -w -X main.version="+version,
		"-o", out, "./cmd/preadmit")
	cmd.Dir = dir
	env := append(os.Environ(), "CGO_ENABLED=0", "GOOS="+p.OS, "GOARCH="+p.Architecture)
	if p.Architecture == "arm" && p.Variant != "" {
		env = append(env, "GOARM="+strings.TrimPrefix(p.Variant, "v"))
	}
	cmd.Env = env
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("go build of preadmit for %s: %w\n%s", p, err, output.Bytes())
	}
	return nil
}
