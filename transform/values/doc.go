// Package values reads the Kyverno CLI's ways of giving variables and
// external data to policies, so that preadmit accepts them as they are: a
// values file (cli.kyverno.io/v1alpha1 Values, as in kyverno apply
// --values-file: globalValues, policies[].rules[].values,
// policies[].resources[].values, namespaceSelector, namespaces), --set
// key=value pairs, and context files standing in for the cluster (objects,
// Lists of them, or a cli.kyverno.io/v1alpha1 Context's spec.resources and
// spec.images): the ConfigMaps configMap context entries read, and the
// objects and image data CEL's resource and image libraries read.
//
// It only parses: the engine (transform.Options) decides what the values
// do, and nothing here reads the network or a cluster.
package values
