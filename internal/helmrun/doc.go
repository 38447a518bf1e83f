// Package helmrun runs "preadmit helm template|install|upgrade": thin
// wrappers over Helm 3's Go library (action.Install, action.Upgrade) that
// apply the policies to the rendered manifests, as a post-renderer does,
// and also to the hook manifests (helm.sh/hook), which Helm 3 never passes
// to a post-renderer. Manifests and hooks are reported and decided on
// together: one Enforce violation anywhere and nothing is printed or
// installed. It must not grow Helm's full command line: only the common
// flags, and no logic of its own beyond rendering, the hook pass and the
// release it prints.
package helmrun
