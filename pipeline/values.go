package pipeline

import (
	"fmt"
	"os"

	"github.com/preadmit/preadmit/internal/images"
	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/values"
)

// engineInputs are what the values and registry flags give the engine.
type engineInputs struct {
	vars       map[string]interface{}
	values     func(transform.ValuesFor) map[string]interface{}
	namespaces map[string]map[string]string
	// namespaceAnnotations are those of a values file's namespaces.
	namespaceAnnotations map[string]map[string]string
	// context is what the context files give; offline the CEL libraries
	// they answer (resource and image data, when there is one).
	context values.Context
	offline transform.OfflineLibraries
	mirror  images.Mirror
}

// loadInputs reads the values file, --set, the context files and the
// registry flags, in the Kyverno CLI's precedence: globalValues, then
// resource values, then --set; preadmit's own flags last.
func loadInputs(v ValuesOptions, r RegistryOptions, extra map[string]interface{}, namespace string) (*engineInputs, error) {
	in := &engineInputs{vars: map[string]interface{}{}}
	var policies map[string]values.PolicyValues
	if v.ValuesFile != "" {
		b, err := os.ReadFile(v.ValuesFile)
		if err != nil {
			return nil, fmt.Errorf("--values-file: %w", err)
		}
		f, err := values.Load(b, v.ValuesFile)
		if err != nil {
			return nil, err
		}
		for k, x := range f.Global {
			in.vars[k] = x
		}
		policies, in.namespaces, in.namespaceAnnotations = f.Policies, f.NamespaceLabels, f.NamespaceAnnotations
		if len(f.Policies) > 0 {
			in.values = func(vf transform.ValuesFor) map[string]interface{} {
				return f.For(vf.Policy, vf.Rule, vf.Resource.Name)
			}
		}
	}
	set, err := values.ParseSet(v.Set)
	if err != nil {
		return nil, err
	}
	for k, x := range set {
		in.vars[k] = x
		for _, pv := range policies {
			for _, res := range pv.Resources {
				delete(res, k)
			}
		}
	}
	for k, x := range extra {
		in.vars[k] = x
	}
	for _, file := range v.ContextFiles {
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("--context-file: %w", err)
		}
		if err := in.context.Read(b, file, namespace); err != nil {
			return nil, err
		}
		// As in kyverno apply --context-file, the files stand in for the
		// cluster and the registry: a call they do not answer is the
		// rule's error, not the policy's.
		in.offline.Resources, in.offline.Images = true, true
	}
	if in.mirror, err = applyRegistry(r, in.vars); err != nil {
		return nil, err
	}
	return in, nil
}

// Mirror is the mirror registry the values file, --set and the registry
// flags name ("preadmit images" prints the mirrored names): the same
// reading a render gives the mirror-images policy.
func Mirror(v ValuesOptions, r RegistryOptions) (images.Mirror, error) {
	in, err := loadInputs(ValuesOptions{ValuesFile: v.ValuesFile, Set: v.Set}, r, nil, "default")
	if err != nil {
		return images.Mirror{}, err
	}
	return in.mirror, nil
}
