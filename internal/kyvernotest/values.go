package kyvernotest

import (
	"strings"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/match"
)

// valuesHook turns a values file into transform.Options.Values, in the
// Kyverno CLI's order: globalValues, then the values of the resource under
// its policy (every entry naming it), then those of the rule, which the CLI
// sets when the rule's context loads, last. Names are plain policy, rule
// and resource names, as the CLI compares them; an autogen rule takes the
// values of the rule it comes from.
func valuesHook(v *Values) func(transform.ValuesFor) map[string]interface{} {
	if v == nil {
		return nil
	}
	return func(f transform.ValuesFor) map[string]interface{} {
		out := map[string]interface{}{}
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
		}
		if r := v.rule(f.Policy, f.Rule); r != nil {
			for k, x := range r.Values {
				out[k] = x
			}
			for k, x := range r.ForeachValues {
				if len(x) > 0 {
					out[k] = x[0]
				}
			}
		}
		return out
	}
}

// rule is the Kyverno CLI's GetPolicyRule: the first rule entry, under the
// first policy entry that has one, named rule, "autogen-" or
// "autogen-cronjob-" rule. Its foreachValues give each key the value at
// the CLI's foreach element index, which the CLI never moves from 0.
func (v *Values) rule(policy, rule string) *ValuesRule {
	for _, p := range v.Policies {
		if p.Name != policy {
			continue
		}
		for i := range p.Rules {
			r := &p.Rules[i]
			switch rule {
			case r.Name, "autogen-" + r.Name, "autogen-cronjob-" + r.Name:
				return r
			}
		}
	}
	return nil
}

// requestInfo is the request info a userinfo file gives, or empty request
// info when the test names none (which Kyverno reads as no request info).
func (ui *UserInfo) requestInfo() *match.UserInfo {
	if ui == nil {
		return &match.UserInfo{}
	}
	return &match.UserInfo{
		Username:     ui.UserInfo.Username,
		UID:          ui.UserInfo.UID,
		Groups:       ui.UserInfo.Groups,
		Extra:        ui.UserInfo.Extra,
		Roles:        ui.Roles,
		ClusterRoles: ui.ClusterRoles,
	}
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

// namespaceAnnotations returns the annotations of the values file's
// Namespace objects, by name, which CEL's namespaceObject carries.
func namespaceAnnotations(v *Values) map[string]map[string]string {
	if v == nil {
		return nil
	}
	var out map[string]map[string]string
	for _, n := range v.Namespaces {
		if len(n.Metadata.Annotations) > 0 {
			if out == nil {
				out = map[string]map[string]string{}
			}
			out[n.Metadata.Name] = n.Metadata.Annotations
		}
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
