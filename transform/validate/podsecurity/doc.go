// Package podsecurity evaluates Kyverno's validate.podSecurity rule: a Pod
// Security Standards level ("privileged", "baseline" or "restricted") at a
// version ("latest" or "v1.N"), with optional exclusions by control name,
// container image, restricted field and value.
//
// The verdict of every check comes from the upstream library,
// k8s.io/pod-security-admission, run per check ID with the same version and
// override selection as its Evaluator, so a pod is allowed here exactly when
// the API server's Pod Security admission would allow it. The library says
// only why a check failed; this package computes which fields failed (a table
// from check ID to the fields it inspects) so each Violation carries paths into
// the actual document — "spec.template.spec.containers[0].securityContext.privileged"
// for a Deployment — and so exclusions can work per field, per container and
// per value the way Kyverno's pkg/pss does.
//
// Compile parses the podSecurity block of a rule once; Check.Evaluate runs it
// on one resource: a Pod, a pod controller (Deployment, StatefulSet,
// DaemonSet, ReplicaSet, ReplicationController, Job; template at
// spec.template) or a CronJob (spec.jobTemplate.spec.template). Only the pod
// template's spec and annotations are decoded.
//
// The package must not decide failure actions, match resources to rules,
// apply autogen or change the resource: it reports violations and leaves the
// rest to the engine.
package podsecurity
