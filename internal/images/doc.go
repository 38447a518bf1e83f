// Package images finds the container images a manifest stream pulls and
// names their copies in a mirror registry: the data behind "preadmit images"
// and the prediction of what the built-in mirror-images policy writes.
//
// Filter walks resources (documents or the items of List kinds) and reports
// every image field of every pod template kind Kyverno extracts images from
// (Pod, Deployment, StatefulSet, DaemonSet, ReplicaSet,
// ReplicationController, Job, CronJob: containers, initContainers and
// ephemeralContainers), plus the fields named by --image-path entries
// (Path, "Kind:spec.image") for custom resources. References are parsed
// with variables.ParseImage, the parser of Kyverno's images variable, so a
// reference the engine rejects is rejected here too. Mirror computes the
// mirrored name, as written ("nginx:1.25" -> "registry.local/nginx:1.25")
// or normalised ("registry.local/docker.io/library/nginx:1.25"); writers
// print a Set as lines, JSON, a skopeo sync file or crane copy commands.
//
// The package never changes a manifest: the rewrite itself is the Kyverno
// policy policies/registry/mirror-images, evaluated by the engine.
package images
