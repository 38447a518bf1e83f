package flux

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Strategy is a value of HelmRelease spec.postRenderStrategy
// (helm.toolkit.fluxcd.io/v2, Flux 2.9 and later): which of Helm 4's
// post-render strategies helm-controller asks for, and so whether
// spec.postRenderers and spec.commonMetadata reach the chart's hooks.
type Strategy string

// The strategies. Unset, helm-controller uses combined, or nohooks when it
// runs with the UseHelm3Defaults feature gate; Flux 2.8.6 up to 2.9 had no
// field and behaved as nohooks.
const (
	// StrategyCombined post-renders hooks and the other resources in one
	// stream: one kustomize run over both.
	StrategyCombined Strategy = "combined"
	// StrategySeparate post-renders the hooks in a stream of their own,
	// then the other resources: a resource may be both a hook and a
	// template, which one kustomize run rejects as a duplicate.
	StrategySeparate Strategy = "separate"
	// StrategyNoHooks post-renders the other resources only; hooks are
	// applied as the chart rendered them, as Helm 3 did.
	StrategyNoHooks Strategy = "nohooks"
)

// hookAnnotation marks a Helm hook: Helm files the resource apart from the
// release's other resources and runs it on the events the annotation names.
const hookAnnotation = "helm.sh/hook"

func isHook(n *yaml.RNode) bool {
	_, ok := n.GetAnnotations(hookAnnotation)[hookAnnotation]
	return ok
}

// strategyFor decides what spec.postRenderStrategy the export needs, and
// names the hooks the mutations changed and the identities a hook shares
// with another resource. separate when there are shared identities: under
// combined, helm-controller's kustomize run would reject the stream whatever
// the post-renderers do. combined when the mutations changed a hook: it is
// Helm 4's default, written so that the UseHelm3Defaults gate cannot turn
// it off. "" otherwise: hooks need no post-rendering.
func strategyFor(docs []Doc) (s Strategy, hooks, shared []string) {
	seen := map[string]bool{}
	for _, d := range docs {
		if !isHook(d.Before) {
			seen[resID(d.Before)] = true
		}
	}
	for _, d := range docs {
		if !isHook(d.Before) {
			continue
		}
		if !sameTree(d.Before.YNode(), d.After.YNode()) {
			hooks = append(hooks, idOf(d.Before))
		}
		if seen[resID(d.Before)] {
			shared = append(shared, idOf(d.Before))
		}
	}
	switch {
	case len(shared) > 0:
		return StrategySeparate, hooks, shared
	case len(hooks) > 0:
		return StrategyCombined, hooks, shared
	}
	return "", hooks, shared
}

// resID is a resource's identity as kustomize keys it.
func resID(n *yaml.RNode) string {
	return n.GetApiVersion() + " " + idOf(n)
}

// groups splits the documents as helm-controller's post-renderers see them
// under the strategy: under separate, the hooks and then the others.
func groups(docs []Doc, s Strategy) [][]Doc {
	if s != StrategySeparate {
		return [][]Doc{docs}
	}
	var hooks, others []Doc
	for _, d := range docs {
		if isHook(d.Before) {
			hooks = append(hooks, d)
		} else {
			others = append(others, d)
		}
	}
	return [][]Doc{hooks, others}
}

// Settle reconciles the strategy the export needs with the one a
// HelmRelease already sets (have, "" for none) and says what follows. A
// HelmRelease that sets a strategy keeps it: the export's own is then
// cleared, and the notes warn when the one kept leaves hooks out or runs
// kustomize once over a resource that is both a hook and a template.
// Warnings name what helm-controller will not reproduce.
func (ex *Export) Settle(have Strategy) (notes, warnings []string) {
	need := ex.PostRenderStrategy
	hooks := strings.Join(ex.Hooks, ", ")
	if have != "" {
		ex.PostRenderStrategy = ""
		switch {
		case have == StrategyNoHooks && len(ex.Hooks) > 0:
			warnings = append(warnings, fmt.Sprintf("hooks escape the post-renderers: the HelmRelease sets postRenderStrategy: nohooks, "+
				"so helm-controller applies these hooks as the chart renders them, without the mutations: %s. "+
				"Set it to %s to post-render them.", hooks, orCombined(need)))
		case have == StrategyCombined && need == StrategySeparate:
			warnings = append(warnings, fmt.Sprintf("the HelmRelease sets postRenderStrategy: combined, but these hooks are also templates "+
				"of the chart (%s): helm-controller's one kustomize run over both rejects the duplicate. Set it to separate.", strings.Join(ex.Shared, ", ")))
		case have != StrategyNoHooks && len(ex.Hooks) > 0:
			notes = append(notes, fmt.Sprintf("hooks: the mutations change Helm hooks (%s); the HelmRelease's postRenderStrategy: %s post-renders them.", hooks, have))
		}
		return notes, warnings
	}
	switch need {
	case StrategySeparate:
		notes = append(notes, fmt.Sprintf("hooks: postRenderStrategy: separate is set, so that helm-controller post-renders the hooks in a kustomize run "+
			"of their own: these hooks are also templates of the chart (%s), a duplicate one run over both rejects.", strings.Join(ex.Shared, ", ")))
		if len(ex.Hooks) > 0 {
			notes = append(notes, "hooks the mutations change: "+hooks+".")
		}
	case StrategyCombined:
		notes = append(notes, fmt.Sprintf("hooks: the mutations change Helm hooks (%s); postRenderStrategy: combined is set, "+
			"so that helm-controller post-renders them even under its UseHelm3Defaults feature gate (the field needs Flux 2.9).", hooks))
	case StrategyNoHooks:
	}
	return notes, warnings
}

func orCombined(s Strategy) Strategy {
	if s == "" {
		return StrategyCombined
	}
	return s
}
