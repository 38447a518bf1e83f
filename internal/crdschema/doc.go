// Package crdschema generates the compact schemas transform/schema embeds
// from the CustomResourceDefinitions of the Kyverno release preadmit follows
// (hack/gencrdschema; go generate ./transform/schema). It must not be
// linked into the preadmit binary: it reads CRD files at generate and test
// time only.
package crdschema
