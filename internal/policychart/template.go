package policychart

import (
	"fmt"
	"regexp"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/policy"
)

// placeholders collects the template expressions that replace plain
// scalars of the policy, and the exclude blocks added to its rules.
type placeholders struct {
	scalars  map[string]string
	excludes map[string]excludeKind
	n        int
}

type excludeKind int

const (
	// excludeField replaces "exclude: <placeholder>" by a whole block.
	excludeField excludeKind = iota
	// excludeItem replaces "- <placeholder>" in an existing exclude.any.
	excludeItem
	// excludeSelector replaces "namespaceSelector: <placeholder>" in a
	// CEL policy's matchConstraints.
	excludeSelector
)

func newPlaceholders() *placeholders {
	return &placeholders{scalars: map[string]string{}, excludes: map[string]excludeKind{}}
}

func (ph *placeholders) next() string {
	ph.n++
	return fmt.Sprintf("PREADMITCHART%dPLACEHOLDER", ph.n)
}

func (ph *placeholders) scalar(expr string) *yaml.RNode {
	id := ph.next()
	ph.scalars[id] = expr
	return yaml.NewScalarRNode(id)
}

// templateOf returns the policy as chart template text and the variables
// it reads.
func templateOf(p *policy.Policy) (string, []Variable, error) {
	n := p.Node.Copy()
	ph := newPlaceholders()
	spec := n.Field("spec")
	if spec == nil {
		return "", nil, fmt.Errorf("no spec")
	}
	if a := spec.Value.Field("validationFailureAction"); a != nil {
		replace(a.Value, ph.scalar(fmt.Sprintf("{{ .Values.failureAction | default %q }}", a.Value.YNode().Value)))
	}
	rules, err := spec.Value.Pipe(yaml.Lookup("rules"))
	if err != nil || rules == nil {
		return "", nil, fmt.Errorf("no spec.rules")
	}
	var used []Variable
	items, err := rules.Elements()
	if err != nil {
		return "", nil, fmt.Errorf("spec.rules: %w", err)
	}
	for _, r := range items {
		name := r.Field("name")
		if a, _ := r.Pipe(yaml.Lookup("validate", "failureAction")); a != nil {
			if err := r.PipeE(yaml.Lookup("validate"), yaml.SetField("failureAction",
				ph.scalar(fmt.Sprintf("{{ .Values.failureAction | default %q }}", a.YNode().Value)))); err != nil {
				return "", nil, err
			}
		}
		if err := addExclude(r, ph); err != nil {
			return "", nil, fmt.Errorf("rule %s: %w", name.Value.YNode().Value, err)
		}
		vs, err := bindVariables(r, ph)
		if err != nil {
			return "", nil, fmt.Errorf("rule %s: %w", name.Value.YNode().Value, err)
		}
		used = append(used, vs...)
	}
	text, err := ph.text(n)
	return text, used, err
}

// text is n as template text: Helm's {{ escaped, the placeholders
// expanded.
func (ph *placeholders) text(n *yaml.RNode) (string, error) {
	text, err := n.String()
	if err != nil {
		return "", err
	}
	// Kyverno's variables are Helm template actions too: print them.
	text = strings.ReplaceAll(text, "{{", `{{ "{{" }}`)
	for id, expr := range ph.scalars {
		text = strings.Replace(text, id, expr, 1)
	}
	for id, kind := range ph.excludes {
		text, err = expandExclude(text, id, kind)
		if err != nil {
			return "", err
		}
	}
	return text, nil
}

// addExclude makes room for .Values.excludedNamespaces in the rule's
// exclude: a new exclude.any when the rule has none, one more element when
// it has exclude.any. Other exclude forms cannot take an alternative.
func addExclude(r *yaml.RNode, ph *placeholders) error {
	ex := r.Field("exclude")
	id := ph.next()
	if ex == nil {
		ph.excludes[id] = excludeField
		return r.PipeE(yaml.SetField("exclude", yaml.NewScalarRNode(id)))
	}
	anyList := ex.Value.Field("any")
	if anyList == nil {
		return fmt.Errorf("exclude without an any list cannot take the chart's excludedNamespaces: write it as exclude.any")
	}
	ph.excludes[id] = excludeItem
	return anyList.Value.PipeE(yaml.Append(yaml.NewScalarRNode(id).YNode()))
}

func expandExclude(text, id string, kind excludeKind) (string, error) {
	var re *regexp.Regexp
	var block string
	switch kind {
	case excludeField:
		re = regexp.MustCompile(`(?m)^( *)exclude: ` + id + `$`)
		block = "{{- with .Values.excludedNamespaces }}\n${1}exclude:\n${1}  any:\n${1}  - resources:\n${1}      namespaces: {{ toJson . }}\n{{- end }}"
	case excludeItem:
		re = regexp.MustCompile(`(?m)^( *)- ` + id + `$`)
		block = "{{- with .Values.excludedNamespaces }}\n${1}- resources:\n${1}    namespaces: {{ toJson . }}\n{{- end }}"
	case excludeSelector:
		re = regexp.MustCompile(`(?m)^( *)namespaceSelector: ` + id + `$`)
		block = "{{- with .Values.excludedNamespaces }}\n${1}namespaceSelector:\n${1}  matchExpressions:\n${1}  - key: kubernetes.io/metadata.name\n${1}    operator: NotIn\n${1}    values: {{ toJson . }}\n{{- end }}"
	}
	if !re.MatchString(text) {
		return "", fmt.Errorf("exclude placeholder %s not found in the encoded policy", id)
	}
	return re.ReplaceAllString(text, block), nil
}

// bindVariables turns the default of every context variable read from
// preadmit.<key> into the chart value <key>.
func bindVariables(r *yaml.RNode, ph *placeholders) ([]Variable, error) {
	ctx := r.Field("context")
	if ctx == nil {
		return nil, nil
	}
	entries, err := ctx.Value.Elements()
	if err != nil {
		return nil, err
	}
	var used []Variable
	for _, e := range entries {
		v := e.Field("variable")
		if v == nil {
			continue
		}
		jp := v.Value.Field("jmesPath")
		if jp == nil {
			continue
		}
		key, ok := strings.CutPrefix(jp.Value.YNode().Value, "preadmit.")
		if !ok {
			continue
		}
		if !regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*$`).MatchString(key) {
			return nil, fmt.Errorf("variable preadmit.%s: the chart maps only preadmit.<identifier> to a value", key)
		}
		def := v.Value.Field("default")
		if def == nil {
			return nil, fmt.Errorf("variable preadmit.%s: a default is required", key)
		}
		uv := Variable{Key: key, Default: def.Value.YNode().Value}
		if def.Value.YNode().Kind != yaml.ScalarNode {
			flow := yaml.CopyYNode(def.Value.YNode())
			flow.Style = yaml.FlowStyle
			text, err := yaml.NewRNode(flow).String()
			if err != nil {
				return nil, fmt.Errorf("variable preadmit.%s: default: %w", key, err)
			}
			uv.Default, uv.Literal = strings.TrimSpace(text), true
		}
		used = append(used, uv)
		replace(def.Value, ph.scalar(fmt.Sprintf("{{ .Values.%s | toJson }}", key)))
	}
	return used, nil
}

// replace puts with in n's place in the tree.
func replace(n, with *yaml.RNode) { *n.YNode() = *with.YNode() }
