// Command benchstream writes the benchmark's 10,000-document manifest
// stream to stdout, for measuring the preadmit binary itself (make bench).
package main

import (
	"flag"
	"fmt"
	"os"

	"github.com/preadmit/preadmit/internal/benchstream"
)

func main() {
	n := flag.Int("n", benchstream.Docs, fmt.Sprintf("number of documents (they cycle through %d kinds)", benchstream.Kinds()))
	flag.Parse()
	if _, err := os.Stdout.Write(benchstream.Stream(*n)); err != nil {
		os.Exit(1)
	}
}
