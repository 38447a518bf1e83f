// Package remediation fits a policy's fix snippet (the
// preadmit.io/remediation annotation, written for a Pod) to the resource
// that failed: under the kind's pod template (spec.template for a
// Deployment, spec.jobTemplate.spec.template for a CronJob), with the
// failing container's list (containers, initContainers,
// ephemeralContainers), its name, and an image built from the image it
// runs (its repository kept, a tag to pin asked for rather than invented).
// FitTemplate does the first of these alone, for a failure in the pod
// template that names no field (a CEL expression).
//
// It only rewrites the text shown to a person; it must not change a
// manifest or decide a result, and it leaves a snippet it cannot read, or
// a resource of another kind, as the policy wrote it.
package remediation
