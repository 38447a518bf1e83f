// Package stream splits a multi-document YAML stream into documents and joins
// them back, byte for byte.
//
// A document keeps the exact bytes it was read from (its separator line and
// body, comments such as Helm's "# Source:" included). Only a document the
// engine changed is encoded again; every other document is written out as its
// original bytes. This is both what makes untouched documents survive
// unchanged and what keeps the hot path fast: decoding is the only cost a
// document that no rule touches pays. The package must not interpret
// Kubernetes semantics beyond reading a document's identity.
package stream
