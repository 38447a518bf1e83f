// Package policychart generates the templates and values of the
// charts/preadmit-policies Helm chart from the built-in policy library, so
// that the ClusterPolicies a cluster enforces at admission are the ones
// preadmit applies at render time: one source of truth. Each policy, and
// each CEL twin of policies/cel (installed in its ClusterPolicy's place
// under the value flavour cel), becomes one template, the policy's YAML unchanged except where a chart value
// takes over (profile selection, failure action, excluded namespaces, the
// preadmit.* context variables' defaults) and with Kyverno's own {{ }}
// escaped from Helm. It must not change what a policy does otherwise; the
// chart's tests check that rendering it gives back the library.
package policychart
