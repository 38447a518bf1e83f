package policy

import (
	"fmt"
	"slices"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/match"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// Autogen follows Kyverno's pkg/autogen: a policy whose rules match Pods gets,
// for each such rule, "autogen-<rule>" for the pod controllers whose template
// sits at spec.template and "autogen-cronjob-<rule>" for CronJob
// (spec.jobTemplate.spec.template). Patterns and patches are wrapped in the
// template path, and variable references to request.object.spec/metadata are
// shifted the same way. It is a function from rules to rules: mutate and
// validate never special-case controllers.

// podControllers is Kyverno's default list, without CronJob which gets its
// own rule.
var podControllers = []string{"DaemonSet", "Deployment", "Job", "StatefulSet", "ReplicaSet", "ReplicationController"}

const cronJob = "CronJob"

func autogen(p *Policy) ([]*Rule, error) {
	controllers, ok := autogenControllers(p)
	if !ok {
		return p.Rules, nil
	}
	var out, gen []*Rule
	for _, r := range p.Rules {
		if !strings.HasPrefix(r.Name, "autogen-") {
			out = append(out, r)
		}
	}
	for _, r := range p.Rules {
		if strings.HasPrefix(r.Name, "autogen-") || !matchesPodOnly(r) {
			continue
		}
		var kinds []string
		for _, c := range podControllers {
			if slices.Contains(controllers, c) {
				kinds = append(kinds, c)
			}
		}
		if len(kinds) > 0 {
			g, err := generate(r, ruleName("autogen", r.Name), kinds, "template", "spec.template")
			if err != nil {
				return nil, fmt.Errorf("rule %s: %w", r.Name, err)
			}
			gen = append(gen, g)
		}
		if slices.Contains(controllers, cronJob) {
			g, err := generate(r, ruleName("autogen-cronjob", r.Name), []string{cronJob}, "jobTemplate.spec.template", "spec.jobTemplate.spec.template")
			if err != nil {
				return nil, fmt.Errorf("rule %s: %w", r.Name, err)
			}
			gen = append(gen, g)
		}
	}
	return append(out, gen...), nil
}

// autogenControllers reads the policy-level decision: whether autogen
// applies at all (Kyverno's CanAutoGen) and for which controllers (the
// pod-policies.kyverno.io/autogen-controllers annotation, default all).
func autogenControllers(p *Policy) ([]string, bool) {
	needed := false
	for _, r := range p.Rules {
		if r.Field("mutate", "patchesJson6902") != nil || r.Field("generate") != nil {
			return nil, false
		}
		if fe := r.Field("mutate", "foreach"); fe != nil {
			for _, e := range fe.YNode().Content {
				if yaml.NewRNode(e).Field("patchesJson6902") != nil {
					return nil, false
				}
			}
		}
		for _, spec := range []*specView{view(&r.Match), view(&r.Exclude)} {
			for _, rd := range spec.descriptions {
				if rd.Name != "" || len(rd.Names) > 0 || rd.Selector != nil || rd.Annotations != nil ||
					(len(rd.Kinds) > 1 && match.ContainsKind(rd.Kinds, "Pod")) {
					return nil, false
				}
				for _, k := range rd.Kinds {
					if k == "Pod" || slices.Contains(podControllers, k) || k == cronJob {
						needed = true
					}
				}
			}
		}
	}
	if !needed {
		return nil, false
	}
	ann, ok := p.Annotations[AnnotationAutogenControllers]
	if !ok || ann == "" {
		return append(slices.Clone(podControllers), cronJob), true
	}
	if ann == "none" {
		return nil, false
	}
	var out []string
	for _, c := range strings.Split(ann, ",") {
		out = append(out, strings.TrimSpace(c))
	}
	return out, true
}

// matchesPodOnly is Kyverno's test for a rule to generate from: its match
// names Pod, and its exclude names no kinds or Pod too.
func matchesPodOnly(r *Rule) bool {
	if !match.ContainsKind(r.Match.Kinds(), "Pod") {
		return false
	}
	ex := r.Exclude.Kinds()
	return len(ex) == 0 || match.ContainsKind(ex, "Pod")
}

func ruleName(prefix, name string) string {
	name = prefix + "-" + name
	if len(name) > 63 {
		name = name[:63]
	}
	return name
}

// generate builds one autogen rule: kinds replaced, patterns wrapped under
// spec.<tpl>, variables shifted to the template.
func generate(r *Rule, name string, kinds []string, tplPath, shift string) (*Rule, error) {
	n := r.Node.Copy()
	if err := n.PipeE(yaml.SetField("name", yaml.NewScalarRNode(name))); err != nil {
		return nil, err
	}
	setKinds(n, "match", kinds, true)
	setKinds(n, "exclude", kinds, false)
	wrap := func(path ...string) error {
		v, err := n.Pipe(yaml.Lookup(path...))
		if err != nil || v == nil {
			return err
		}
		parent, err := n.Pipe(yaml.Lookup(path[:len(path)-1]...))
		if err != nil {
			return err
		}
		replaceValue(parent.YNode(), path[len(path)-1], wrapIn(v, tplPath).YNode())
		return nil
	}
	for _, p := range [][]string{{"mutate", "patchStrategicMerge"}, {"validate", "pattern"}} {
		if err := wrap(p...); err != nil {
			return nil, err
		}
	}
	for _, list := range [][]string{{"mutate", "foreach"}, {"validate", "anyPattern"}} {
		l, err := n.Pipe(yaml.Lookup(list...))
		if err != nil || l == nil || l.YNode().Kind != yaml.SequenceNode {
			continue
		}
		for i, e := range l.YNode().Content {
			if list[1] == "anyPattern" {
				l.YNode().Content[i] = wrapIn(yaml.NewRNode(e), tplPath).YNode()
				continue
			}
			if v := yaml.NewRNode(e).Field("patchStrategicMerge"); v != nil {
				replaceValue(e, "patchStrategicMerge", wrapIn(v.Value, tplPath).YNode())
			}
		}
	}
	shiftVariables(n.YNode(), shift)
	g := &Rule{Name: name, AutogenOf: r.Name, Node: n, typ: r.typ}
	if err := decodeStrict(n.Field("match"), &g.Match); err != nil {
		return nil, err
	}
	if err := decodeStrict(n.Field("exclude"), &g.Exclude); err != nil {
		return nil, err
	}
	return g, nil
}

// replaceValue points a mapping's key at a new value node. (kyaml's
// SetField copies into the old node, which would make the wrapper contain
// itself.)
func replaceValue(m *yaml.Node, key string, v *yaml.Node) {
	if i := yamlnode.Index(m, key); i >= 0 {
		m.Content[i+1] = v
	}
}

// wrapIn returns {spec: {<a>: {<b>: ... v}}} for tplPath "a.b...".
func wrapIn(v *yaml.RNode, tplPath string) *yaml.RNode {
	inner := v.YNode()
	parts := append([]string{"spec"}, strings.Split(tplPath, ".")...)
	for i := len(parts) - 1; i >= 0; i-- {
		inner = &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Tag: "!!str", Value: parts[i]}, inner,
		}}
	}
	return yaml.NewRNode(inner)
}

// setKinds replaces the kinds of the filters that name Pod (any/all) or of
// the legacy resources block.
func setKinds(rule *yaml.RNode, block string, kinds []string, always bool) {
	b := rule.Field(block)
	if b == nil {
		return
	}
	seq := yaml.NewListRNode(kinds...)
	replaced := false
	for _, list := range []string{"any", "all"} {
		l := b.Value.Field(list)
		if l == nil || l.Value.YNode().Kind != yaml.SequenceNode || len(l.Value.YNode().Content) == 0 {
			continue
		}
		replaced = true
		for _, e := range l.Value.YNode().Content {
			k, _ := yaml.NewRNode(e).Pipe(yaml.Lookup("resources", "kinds"))
			if k == nil {
				continue
			}
			names := scalarList(k)
			if slices.Contains(names, "Pod") || block == "exclude" {
				res, _ := yaml.NewRNode(e).Pipe(yaml.Lookup("resources"))
				_ = res.PipeE(yaml.SetField("kinds", seq.Copy()))
			}
		}
		break
	}
	if replaced {
		return
	}
	res, _ := b.Value.Pipe(yaml.Lookup("resources"))
	if res == nil {
		return
	}
	if !always && res.Field("kinds") == nil {
		return
	}
	_ = res.PipeE(yaml.SetField("kinds", seq))
}

func scalarList(n *yaml.RNode) []string {
	var out []string
	for _, e := range n.YNode().Content {
		out = append(out, e.Value)
	}
	return out
}

// shiftVariables rewrites request.object.spec and request.object.metadata
// (and oldObject) to point into the pod template, in every scalar, as
// Kyverno's updateGenRuleByte does on the rule's JSON.
func shiftVariables(n *yaml.Node, shift string) {
	r := strings.NewReplacer(
		"request.object.spec", "request.object."+shift+".spec",
		"request.oldObject.spec", "request.oldObject."+shift+".spec",
		"request.object.metadata", "request.object."+shift+".metadata",
		"request.oldObject.metadata", "request.oldObject."+shift+".metadata",
	)
	if yamlnode.Field(yamlnode.Field(n, "validate"), "cel") != nil {
		// A validate.cel rule: Kyverno's podCELReplacementRules, which
		// also catch request.object.spec in its messages.
		r = strings.NewReplacer(
			"oldObject.spec", "oldObject."+shift+".spec",
			"oldObject.metadata", "oldObject."+shift+".metadata",
			"object.spec", "object."+shift+".spec",
			"object.metadata", "object."+shift+".metadata",
		)
	}
	var walk func(*yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode && strings.Contains(n.Value, "bject.") {
			n.Value = r.Replace(n.Value)
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	walk(n)
}
