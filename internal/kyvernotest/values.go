package kyvernotest

import (
	"strings"

	"github.com/preadmit/preadmit/transform"
)

// valuesHook turns a values file and a userinfo file into
// transform.Options.Values, in the Kyverno CLI's order: globalValues, then
// the values of the resource under its policy, then those of the rule (the
// CLI sets rule values when the rule's context loads, last). Names are
// plain policy, rule and resource names, as the CLI compares them.
func valuesHook(v *Values, ui *UserInfo) func(transform.ValuesFor) map[string]interface{} {
	if v == nil && ui == nil {
		return nil
	}
	user := userValues(ui)
	return func(f transform.ValuesFor) map[string]interface{} {
		out := map[string]interface{}{}
		for k, x := range user {
			out[k] = x
		}
		if v == nil {
			return out
		}
		for k, x := range v.GlobalValues {
			out[k] = x
		}
		for _, p := range v.Policies {
			if p.Name != f.Policy {
				continue
			}
			for _, r := range p.Resources {
				if r.Name == f.Resource.Name {
					for k, x := range r.Values {
						out[k] = x
					}
				}
			}
			for _, r := range p.Rules {
				if r.Name == f.Rule {
					for k, x := range r.Values {
						out[k] = x
					}
				}
			}
		}
		return out
	}
}

// userValues are the request variables a userinfo file sets.
func userValues(ui *UserInfo) map[string]interface{} {
	if ui == nil {
		return nil
	}
	groups := make([]interface{}, 0, len(ui.UserInfo.Groups))
	for _, g := range ui.UserInfo.Groups {
		groups = append(groups, g)
	}
	info := map[string]interface{}{"username": ui.UserInfo.Username, "groups": groups}
	if ui.UserInfo.UID != "" {
		info["uid"] = ui.UserInfo.UID
	}
	return map[string]interface{}{
		"request.userInfo":     info,
		"request.roles":        anyList(ui.Roles),
		"request.clusterRoles": anyList(ui.ClusterRoles),
	}
}

func anyList(s []string) []interface{} {
	out := make([]interface{}, 0, len(s))
	for _, x := range s {
		out = append(out, x)
	}
	return out
}

// namespaceLabels collects the labels of namespaces a values file names,
// from namespaceSelector entries and Namespace objects.
func namespaceLabels(v *Values) map[string]map[string]string {
	if v == nil || (len(v.NamespaceSelectors) == 0 && len(v.Namespaces) == 0) {
		return nil
	}
	out := map[string]map[string]string{}
	for _, n := range v.Namespaces {
		out[n.Metadata.Name] = n.Metadata.Labels
	}
	for _, n := range v.NamespaceSelectors {
		out[n.Name] = n.Labels
	}
	for k, l := range out {
		if l == nil {
			out[k] = map[string]string{}
		}
	}
	return out
}

// contextConfigMaps returns the ConfigMaps of a context file, by
// "namespace/name", for configMap context entries.
func contextConfigMaps(c *ContextFile) map[string]interface{} {
	if c == nil {
		return nil
	}
	out := map[string]interface{}{}
	for _, r := range c.Spec.Resources {
		if r["kind"] != "ConfigMap" {
			continue
		}
		meta, _ := r["metadata"].(map[string]interface{})
		name, _ := meta["name"].(string)
		ns, _ := meta["namespace"].(string)
		if ns == "" {
			ns = "default"
		}
		out[ns+"/"+name] = r
	}
	return out
}

// withOperation makes every rule see request.operation as operation, over
// the values file's, as "kyverno test" does for a result that names one;
// "" leaves values as they are.
func withOperation(values func(transform.ValuesFor) map[string]interface{}, operation string) func(transform.ValuesFor) map[string]interface{} {
	if operation == "" {
		return values
	}
	return func(f transform.ValuesFor) map[string]interface{} {
		out := map[string]interface{}{}
		if values != nil {
			for k, v := range values(f) {
				out[k] = v
			}
		}
		out["request.operation"] = operation
		return out
	}
}

// subresources turns a values file's subresources into the engine's: the
// subresource's name is the part of its resource name after "/" (exec of
// pods/exec).
func subresources(v *Values) []transform.Subresource {
	if v == nil {
		return nil
	}
	var out []transform.Subresource
	for _, s := range v.Subresources {
		_, name, _ := strings.Cut(s.Subresource.Name, "/")
		out = append(out, transform.Subresource{
			APIVersion: s.Subresource.apiVersion(), Kind: s.Subresource.Kind,
			ParentAPIVersion: s.ParentResource.apiVersion(), ParentKind: s.ParentResource.Kind,
			Name: name,
		})
	}
	return out
}
