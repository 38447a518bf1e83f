// Command preadmit-authz checks authorization requests with
// ValidatingPolicies in Envoy and HTTP evaluation mode, for "preadmit
// test" (envoyPayloads and httpPayloads). It reads one request as JSON on
// stdin and writes the results as JSON on stdout (package internal/authz);
// an error goes to stderr with exit code 2. It is a binary of its own so
// that preadmit does not link kyverno-authz's engine, Envoy's protobuf API
// and gRPC.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/go-logr/logr"
	"k8s.io/klog/v2"

	"github.com/preadmit/preadmit/internal/authz/engine"
)

func main() {
	if len(os.Args) > 1 {
		fmt.Fprintln(os.Stderr, "preadmit-authz: takes no arguments: it is run by \"preadmit test\", a request as JSON on stdin")
		os.Exit(2)
	}
	// kyverno-authz's compiler logs the errors it returns through klog:
	// they come back once, in the error this command prints.
	klog.SetLogger(logr.Discard())
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := engine.Serve(ctx, os.Stdin, os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintf(os.Stderr, "preadmit-authz: %v\n", err)
		os.Exit(2)
	}
}
