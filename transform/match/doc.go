// Package match decides whether a Kyverno rule's match and exclude blocks
// select a resource: the any/all forms and the legacy "resources" form, with
// kinds (Pod, apps/v1/Deployment, *), names and namespaces with wildcards,
// label selectors, annotations and operations.
//
// Rendering happens offline, with no admission request: subjects, roles and
// clusterRoles never match (a match block that needs them selects nothing, an
// exclude block that needs them excludes nothing), and the operation is
// CREATE. "preadmit test" gives request info (Resource.User, Operation) as
// the Kyverno CLI's userinfo and values files do, and they are then checked
// as Kyverno checks them. It reads resource identity only; it never looks at a
// resource's spec.
package match
