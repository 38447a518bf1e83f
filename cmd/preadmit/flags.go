package main

import (
	"github.com/spf13/pflag"

	"github.com/preadmit/preadmit/internal/app"
)

// registryFlags are the air-gapped mirror flags of render and images.
func registryFlags(fs *pflag.FlagSet, o *app.RegistryOptions) {
	fs.StringVar(&o.Registry, "registry", "", "mirror registry HOST[:PORT][/PATH]: prefix every image with it (sets preadmit.registry)")
	fs.StringArrayVar(&o.Exclude, "registry-exclude", nil, "image pattern to leave alone, Kyverno wildcards, e.g. 'registry.corp.example/*' (repeatable)")
	fs.BoolVar(&o.Normalize, "registry-normalize", false, "mirror the normalised reference (registry.local/docker.io/library/nginx:1.25) instead of the one written")
}

// valuesFlags are the Kyverno CLI's variable flags. Under "preadmit helm",
// where -f and --set are Helm's own, they are --policy-values-file and
// --policy-set.
func valuesFlags(fs *pflag.FlagSet, o *app.ValuesOptions, helm bool) {
	file, set, fShort, sShort := "values-file", "set", "f", "s"
	if helm {
		file, set, fShort, sShort = "policy-values-file", "policy-set", "", ""
	}
	fs.StringVarP(&o.ValuesFile, file, fShort, "", "Kyverno CLI values file (cli.kyverno.io/v1alpha1 Values)")
	fs.StringArrayVarP(&o.Set, set, sShort, nil, "policy variable key=value, as kyverno apply --set (repeatable, comma-separated)")
}
