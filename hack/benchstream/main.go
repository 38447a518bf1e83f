// Command benchstream writes the benchmark's 10,000-document manifest
// stream to stdout, for measuring the preadmit binary itself (make bench).
package main

import (
	"flag"
	"os"

	"github.com/preadmit/preadmit/internal/benchstream"
)

func main() {
	n := flag.Int("n", benchstream.Docs, "number of documents")
	flag.Parse()
	if _, err := os.Stdout.Write(benchstream.Stream(*n)); err != nil {
		os.Exit(1)
	}
}
