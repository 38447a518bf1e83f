package policy

import (
	"bytes"
	"encoding/json"
	"slices"
	"sort"

	admissionregistrationv1 "k8s.io/api/admissionregistration/v1"
)

// celTarget is a pod controller a CEL policy on Pods is generated for.
type celTarget struct{ group, version, resource, config string }

// celTargets are Kyverno's (pkg/cel/autogen ConfigsMap): "defaults" moves
// object.spec to object.spec.template.spec, "cronjobs" to the job
// template's.
var celTargets = map[string]celTarget{
	"daemonsets":   {"apps", "v1", "daemonsets", "defaults"},
	"deployments":  {"apps", "v1", "deployments", "defaults"},
	"replicasets":  {"apps", "v1", "replicasets", "defaults"},
	"statefulsets": {"apps", "v1", "statefulsets", "defaults"},
	"jobs":         {"batch", "v1", "jobs", "defaults"},
	"cronjobs":     {"batch", "v1", "cronjobs", "cronjobs"},
}

var celReplacements = map[string][][2]string{
	"defaults": {{"spec", "spec.template.spec"}, {"metadata", "spec.template.metadata"}},
	"cronjobs": {{"spec", "spec.jobTemplate.spec.template.spec"}, {"metadata", "spec.jobTemplate.spec.template.metadata"}},
}

// canAutogenCEL is Kyverno's CanAutoGen: one rule on v1 pods, no names,
// no exclusions, no object selector.
func canAutogenCEL(m *admissionregistrationv1.MatchResources) bool {
	if m == nil || len(m.ExcludeResourceRules) != 0 || len(m.ResourceRules) != 1 {
		return false
	}
	if s := m.ObjectSelector; s != nil && (len(s.MatchLabels) > 0 || len(s.MatchExpressions) > 0) {
		return false
	}
	r := m.ResourceRules[0]
	return len(r.ResourceNames) == 0 && slices.Equal(r.APIGroups, []string{""}) &&
		slices.Equal(r.APIVersions, []string{"v1"}) && slices.Equal(r.Resources, []string{"pods"})
}

// celAutogen derives the rules of a CEL policy on Pods for the pod
// controllers, as Kyverno's vpol autogen does: one rule per replacement
// ("autogen-defaults", "autogen-cronjobs") whose expressions read the pod
// template where they read the Pod.
func celAutogen(spec *CEL) []*Rule {
	if !canAutogenCEL(spec.MatchConstraints) {
		return nil
	}
	controllers := []string{"cronjobs", "daemonsets", "deployments", "jobs", "replicasets", "statefulsets"}
	if spec.Autogen != nil && spec.Autogen.PodControllers != nil && spec.Autogen.PodControllers.Controllers != nil {
		controllers = spec.Autogen.PodControllers.Controllers
	}
	byConfig := map[string][]celTarget{}
	for _, c := range controllers {
		if t, ok := celTargets[c]; ok {
			byConfig[t.config] = append(byConfig[t.config], t)
		}
	}
	configs := make([]string, 0, len(byConfig))
	for c := range byConfig {
		configs = append(configs, c)
	}
	sort.Strings(configs)
	var out []*Rule
	for _, c := range configs {
		gen := autogenCEL(spec, c, byConfig[c])
		if gen != nil {
			out = append(out, &Rule{Name: "autogen-" + c, CEL: gen, celAutogen: true})
		}
	}
	return out
}

func autogenCEL(spec *CEL, config string, targets []celTarget) *CEL {
	ops := spec.MatchConstraints.ResourceRules[0].Operations
	if len(ops) == 0 {
		return nil
	}
	b, err := json.Marshal(spec)
	if err != nil {
		return nil
	}
	for _, r := range celReplacements[config] {
		b = replaceField(b, "object."+r[0], "object."+r[1])
		b = replaceField(b, "oldObject."+r[0], "oldObject."+r[1])
	}
	gen := &CEL{}
	if err := json.Unmarshal(b, gen); err != nil {
		return nil
	}
	gen.Path, gen.Binding = spec.Path, spec.Binding
	byGV := map[[2]string][]string{}
	for _, t := range targets {
		k := [2]string{t.group, t.version}
		byGV[k] = append(byGV[k], t.resource)
	}
	keys := make([][2]string, 0, len(byGV))
	for k := range byGV {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i][0]+"/"+keys[i][1] < keys[j][0]+"/"+keys[j][1] })
	m := &admissionregistrationv1.MatchResources{NamespaceSelector: spec.MatchConstraints.NamespaceSelector.DeepCopy()}
	for _, k := range keys {
		res := byGV[k]
		sort.Strings(res)
		m.ResourceRules = append(m.ResourceRules, admissionregistrationv1.NamedRuleWithOperations{
			RuleWithOperations: admissionregistrationv1.RuleWithOperations{
				Operations: ops,
				Rule:       admissionregistrationv1.Rule{APIGroups: []string{k[0]}, APIVersions: []string{k[1]}, Resources: res},
			}})
	}
	gen.MatchConstraints = m
	return gen
}

// replaceField is Kyverno's replacement: every from becomes to, unless
// followed by ".namespace" (object.metadata.namespace stays the
// controller's).
func replaceField(data []byte, from, to string) []byte {
	f, t := []byte(from), []byte(to)
	var buf bytes.Buffer
	for {
		i := bytes.Index(data, f)
		if i < 0 {
			break
		}
		buf.Write(data[:i])
		rest := data[i+len(f):]
		if protected(rest) {
			buf.Write(f)
		} else {
			buf.Write(t)
		}
		data = rest
	}
	buf.Write(data)
	return buf.Bytes()
}

func protected(rest []byte) bool {
	const suffix = ".namespace"
	if !bytes.HasPrefix(rest, []byte(suffix)) {
		return false
	}
	next := rest[len(suffix):]
	return len(next) == 0 || !isIdentByte(next[0])
}

func isIdentByte(b byte) bool {
	return b == '_' || (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') || (b >= '0' && b <= '9')
}
