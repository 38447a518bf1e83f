package main

import "github.com/preadmit/preadmit/internal/cliflags"

// version is set at build time with -ldflags "-X main.version=..."; when it
// is not, cliflags.BuildVersion reads what the Go toolchain stamped in the
// binary.
var version = ""

// preadmitVersion is this binary's version.
func preadmitVersion() string { return cliflags.Version(version) }
