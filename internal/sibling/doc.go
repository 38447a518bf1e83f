// Package sibling finds the companion binaries preadmit runs for the parts
// it does not link (preadmit-helm: Helm's SDK; preadmit-authz: the
// authorization-server engine): next to the running executable first, then
// on PATH.
package sibling
