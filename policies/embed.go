package policies

import "embed"

// FS holds the built-in policy library: every file under the group
// directories (best-practices/, mutate/, registry/, pod-security/, ...),
// including each policy's kyverno-test.yaml, resources.yaml and patched-*.yaml.
// The loader keeps only kyverno.io ClusterPolicy and Policy documents, so the
// test fixtures ride along without being applied.
//
//go:embed */*
var FS embed.FS
