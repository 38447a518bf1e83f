package pipeline

import (
	"fmt"
	"strings"

	"github.com/preadmit/preadmit/internal/images"
)

// The variables the built-in registry policies read.
const (
	varRegistry          = "preadmit.registry"
	varRegistryExclude   = "preadmit.registryExclude"
	varRegistryNormalize = "preadmit.registryNormalize"
)

// applyRegistry writes the registry flags into the variables (flags win
// over values and --set), checks the mirror, and returns it. What the
// mirror means for the allowlist is restrict-image-registries' own
// decision, in its YAML.
func applyRegistry(o RegistryOptions, vars map[string]interface{}) (images.Mirror, error) {
	if o.Registry != "" {
		vars[varRegistry] = o.Registry
	}
	if len(o.Exclude) > 0 {
		list := make([]interface{}, 0, len(o.Exclude))
		for _, e := range o.Exclude {
			for _, p := range strings.Split(e, ",") {
				if p = strings.TrimSpace(p); p != "" {
					list = append(list, p)
				}
			}
		}
		vars[varRegistryExclude] = list
	}
	if o.Normalize {
		vars[varRegistryNormalize] = "true"
	}
	var m images.Mirror
	v, ok := vars[varRegistry]
	if !ok || v == nil || v == "" {
		if len(o.Exclude) > 0 || o.Normalize {
			return m, fmt.Errorf("--registry-exclude and --registry-normalize need a mirror: add --registry HOST (or set %s)", varRegistry)
		}
		return m, nil
	}
	s, ok := v.(string)
	if !ok {
		return m, fmt.Errorf("%s must be a string, got %v", varRegistry, v)
	}
	reg, err := images.ParseRegistry(s)
	if err != nil {
		return m, err
	}
	vars[varRegistry] = reg
	m.Registry = reg
	m.Normalize = fmt.Sprint(vars[varRegistryNormalize]) == "true"
	if ex, ok := vars[varRegistryExclude]; ok {
		list, ok := ex.([]interface{})
		if !ok {
			return m, fmt.Errorf("%s must be a list of image patterns, got %v", varRegistryExclude, ex)
		}
		for _, p := range list {
			m.Exclude = append(m.Exclude, fmt.Sprint(p))
		}
	}
	return m, nil
}
