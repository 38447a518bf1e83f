// Package cliflags holds what preadmit's two binaries share on the command
// line: the render flags (policies, mode, reports, exceptions, registry and
// values), their PREADMIT_* environment variables, the version string and
// the way a command's error becomes a message and an exit code. It lets
// cmd/preadmit-helm, which links Helm's SDK, offer the same flags as
// cmd/preadmit, which must not link it. It must not import Helm or run
// anything: flags and wiring only.
package cliflags
