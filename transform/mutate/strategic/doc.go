// Package strategic applies a Kyverno mutate.patchStrategicMerge to one
// resource held as a *yaml.RNode, in place.
//
// A Patch is compiled once from the policy (anchors are parsed and checked
// there) and applied to many resources. Apply works in two phases, like
// Kyverno: it first resolves the anchors against the resource — conditional
// "(key)", equality "=(key)", negation "X(key)" and global "<(key)" anchors are
// checked and removed, add-if-not-present "+(key)" keys are kept only where the
// resource lacks them, and anchored list elements such as `- (name): "*"` are
// expanded into one patch per matching resource element — and only then merges
// the resolved patch with Kubernetes strategic-merge rules (lists merged by the
// merge keys of kyaml's built-in OpenAPI schema, `$patch` directives, null to
// delete). Nothing is changed when a condition fails.
//
// The package must not convert documents to JSON or maps: untouched nodes keep
// their order, style and comments, new keys are appended in patch order. It
// does not substitute variables ({{ }}); the engine does that before Compile.
package strategic
