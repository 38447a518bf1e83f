// Command preadmit applies Kyverno policies to rendered Kubernetes manifests:
// a Helm post-renderer, a KRM function and a CI filter. See README.md.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	// A process of its own: the render may bound the Go runtime's memory
	// by the size of its input (tests, which render in one process, do
	// not).
	boundMemory = true
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
