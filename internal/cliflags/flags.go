package cliflags

import (
	"github.com/spf13/pflag"

	"github.com/preadmit/preadmit/pipeline"
)

// Policies adds the flags that choose the policies: -p, --no-builtin,
// --disable, --enable and --profile (into profile, for ParseProfile).
func Policies(fs *pflag.FlagSet, o *pipeline.Options, profile *string) {
	fs.StringArrayVarP(&o.Policies, "policy", "p", nil, "Kyverno policy file or directory (repeatable)")
	fs.BoolVar(&o.NoBuiltin, "no-builtin", false, "do not load the embedded policy library")
	fs.StringSliceVar(&o.Disable, "disable", nil, "policy names to leave out (repeatable, comma-separated)")
	fs.StringSliceVar(&o.Enable, "enable", nil, "opt-in built-in policies to load (repeatable)")
	fs.StringVar(profile, "profile", "restricted", "built-in Pod Security Standards: restricted, baseline, none, podsecurity-baseline, podsecurity-restricted")
}

// CELObjects adds --params and --crd: the objects CEL policies read beside
// the stream.
func CELObjects(fs *pflag.FlagSet, o *pipeline.CELOptions) {
	fs.StringArrayVar(&o.Params, "params", nil, "parameter objects for CEL policies' paramRef: file or directory (repeatable)")
	fs.StringArrayVar(&o.CRDs, "crd", nil, "CustomResourceDefinitions mapping kinds to resources for CEL policies: file or directory (repeatable)")
}

// ContextFiles adds --context-file, as kyverno apply's: objects and image
// data standing in for the cluster and the registry.
func ContextFiles(fs *pflag.FlagSet, o *pipeline.ValuesOptions) {
	fs.StringArrayVar(&o.ContextFiles, "context-file", nil, "objects standing in for the cluster (ConfigMaps for configMap context entries; any object for CEL's resource.Get and resource.List; image data for image.GetMetadata): object documents, a List, or a Kyverno CLI Context (repeatable)")
}

// Registry adds the air-gapped mirror flags of render and images.
func Registry(fs *pflag.FlagSet, o *pipeline.RegistryOptions) {
	fs.StringVar(&o.Registry, "registry", "", "mirror registry HOST[:PORT][/PATH]: prefix every image with it (sets preadmit.registry)")
	fs.StringArrayVar(&o.Exclude, "registry-exclude", nil, "image pattern to leave alone, Kyverno wildcards, e.g. 'registry.corp.example/*' (repeatable)")
	fs.BoolVar(&o.Normalize, "registry-normalize", false, "mirror the normalised reference (registry.local/docker.io/library/nginx:1.25) instead of the one written")
}

// Values adds the Kyverno CLI's variable flags. Under "preadmit helm",
// where -f and --set are Helm's own, they are --policy-values-file and
// --policy-set.
func Values(fs *pflag.FlagSet, o *pipeline.ValuesOptions, helm bool) {
	file, set, fShort, sShort := "values-file", "set", "f", "s"
	if helm {
		file, set, fShort, sShort = "policy-values-file", "policy-set", "", ""
	}
	fs.StringVarP(&o.ValuesFile, file, fShort, "", "Kyverno CLI values file (cli.kyverno.io/v1alpha1 Values)")
	fs.StringArrayVarP(&o.Set, set, sShort, nil, "policy variable key=value, as kyverno apply --set (repeatable, comma-separated)")
}

// Exceptions adds render's PolicyException flags; --at goes to at, for
// pipeline.ParseAt.
func Exceptions(fs *pflag.FlagSet, o *pipeline.ExceptionOptions, at *string) {
	fs.StringArrayVar(&o.Paths, "exceptions", nil, "Kyverno PolicyException file or directory (repeatable)")
	fs.BoolVar(&o.Keep, "keep-exceptions", false, "write the input's PolicyExceptions to stdout instead of consuming them")
	fs.BoolVar(&o.RequireMetadata, "require-exception-metadata", false, "reject exceptions without preadmit.io/owner, preadmit.io/reason and an expiry")
	fs.StringVar(at, "at", "", "the render's clock, an RFC 3339 date or date-time instead of now: exception expiry, and time.now() in CEL policies")
}
