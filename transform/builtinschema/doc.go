// Package builtinschema gives kyaml's global OpenAPI schema, which strategic
// merges read for their list merge keys, its built-in Kubernetes
// definitions as Go values generated at build time (go generate;
// hack/genopenapi), instead of kyaml decoding its compressed JSON bundle at
// the first merge of every process — the largest cost of a one-document
// render before. The definitions are the same values kyaml decodes
// (TestDefinitionsAsKyaml), so merges do not change.
//
// It must not change the schema in any other way: it adds kyaml's own
// definitions, nothing else.
package builtinschema

//go:generate go run ../../hack/genopenapi -o definitions.go
