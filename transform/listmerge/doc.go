// Package listmerge tells how the lists of the built-in Kubernetes types
// merge in a strategic merge: by which keys (a container by its name, a
// port by containerPort and protocol), or not at all (replaced whole). It is
// the part of kyaml's built-in OpenAPI schema a merge reads — Kyverno's
// merge (kustomize's merge2) reads the same schema — generated as static
// data by hack/genlistmerge, so that it costs a process nothing to load.
// TestAsKyaml holds it to kyaml's schema, path by path.
package listmerge
