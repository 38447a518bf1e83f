package match

// Resource is the identity of a resource as matching needs it.
type Resource struct {
	APIVersion string
	Group      string
	Version    string
	Kind       string
	Name       string
	// Namespace is the effective namespace: metadata.namespace, or the
	// render's default namespace for namespaced kinds, or "" for
	// cluster-scoped kinds.
	Namespace   string
	Labels      map[string]string
	Annotations map[string]string
	// NamespaceLabels are the labels of the resource's Namespace when the
	// stream or the configuration provides them; nil when unknown.
	NamespaceLabels map[string]string
	// Subresource is the subresource a request is about ("exec" of a Pod,
	// "scale" of a Deployment), with Group, Version and Kind those of the
	// resource; "" for the resource itself, as every rendered resource is.
	Subresource string
	// Operation is the admission operation match.resources.operations
	// compares; "" means CREATE, the operation of a render.
	Operation string
	// User is the request's user info, as the Kyverno CLI's userinfo file
	// gives it; nil at render time, when there is no request.
	User *UserInfo
}
