package transform

import (
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/stream"
	"github.com/preadmit/preadmit/transform/variables"
)

// collectConfigMaps indexes the ConfigMaps of the stream, so that a
// configMap context entry resolves offline against the chart's own
// ConfigMaps, after those given in Options.
func (e *run) collectConfigMaps(docs []*stream.Document) {
	e.configMaps = make(map[string]interface{}, len(e.opts.ConfigMaps))
	for k, v := range e.opts.ConfigMaps {
		e.configMaps[k] = v
	}
	if !e.readsConfigMaps {
		return
	}
	for _, d := range docs {
		if d.Node == nil || d.Node.YNode().Kind != yaml.MappingNode || d.Node.GetKind() != "ConfigMap" {
			continue
		}
		ns := d.Node.GetNamespace()
		if ns == "" {
			ns = e.opts.Namespace
		}
		key := ns + "/" + d.Node.GetName()
		if _, ok := e.configMaps[key]; ok {
			continue
		}
		if v, err := variables.FromRNode(d.Node); err == nil {
			e.configMaps[key] = v
		}
	}
}

func (e *Engine) usesConfigMaps() bool {
	for _, r := range e.rules {
		if r.pending && pendingReadsConfigMap(r.src) {
			return true
		}
		for _, ce := range r.entries {
			if ce.cmName != nil {
				return true
			}
		}
	}
	return false
}

// pendingReadsConfigMap reports whether a rule not compiled yet has a
// configMap context entry (as compileContext would find it).
func pendingReadsConfigMap(r *policy.Rule) bool {
	c := r.Field("context")
	if c == nil || c.YNode().Kind != yaml.SequenceNode {
		return false
	}
	for _, e := range c.YNode().Content {
		if yaml.NewRNode(e).Field("configMap") != nil {
			return true
		}
	}
	return false
}
