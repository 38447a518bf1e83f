// Command genlibrary writes policies/library.bin, the built-in policy
// library parsed at build time (policy.Preparse), which the binary loads at
// start instead of parsing the library's YAML (go generate ./policies; a
// test fails when the file is stale). It fails on any defect the loader
// finds in the library.
//
//	go run ./hack/genlibrary -dir policies
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/preadmit/preadmit/transform/policy"
)

func main() {
	dir := flag.String("dir", ".", "the policies directory; library.bin is written in it")
	flag.Parse()
	b, err := policy.Preparse(os.DirFS(*dir), ".", "embedded:policies")
	if err == nil {
		err = os.WriteFile(filepath.Join(*dir, "library.bin"), b, 0o644)
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "genlibrary:", err)
		os.Exit(1)
	}
}
