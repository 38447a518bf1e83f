package flux

import (
	"encoding/json"
	"fmt"
	"reflect"
	"sort"
	"strings"

	"sigs.k8s.io/kustomize/api/builtins" //nolint:staticcheck // kustomize-controller applies commonMetadata with this plugin; kustomize API v1, which drops it, is not out
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/provider"
	"sigs.k8s.io/kustomize/api/resmap"
	kustypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// verify applies the export to the documents before preadmit as
// helm-controller does (a kustomization of the chart's output with the
// patches and images, then the common labels on metadata; under the
// separate strategy once for the hooks and once for the others) and names
// every document that then differs from what preadmit rendered.
func verify(docs []Doc, ex *Export) ([]string, error) {
	var gaps []string
	for _, g := range groups(docs, ex.PostRenderStrategy) {
		if len(g) == 0 {
			continue
		}
		gg, err := verifyGroup(g, ex)
		if err != nil {
			return nil, err
		}
		gaps = append(gaps, gg...)
	}
	return gaps, nil
}

func verifyGroup(docs []Doc, ex *Export) ([]string, error) {
	var in strings.Builder
	for _, d := range docs {
		in.WriteString("---\n")
		in.WriteString(d.Before.MustString())
	}
	out, err := Apply([]byte(in.String()), ex)
	if err != nil {
		return nil, fmt.Errorf("applying the post-renderers with kustomize: %w", err)
	}
	got := map[string]interface{}{}
	for _, r := range out.Resources() {
		v, err := plain(&r.RNode)
		if err != nil {
			return nil, err
		}
		got[idOf(&r.RNode)] = v
	}
	var gaps []string
	for _, d := range docs {
		id := idOf(d.After)
		want, err := plain(d.After)
		if err != nil {
			return nil, err
		}
		g, ok := got[id]
		switch {
		case !ok:
			gaps = append(gaps, id+": missing from kustomize's output")
		case !reflect.DeepEqual(want, g):
			gaps = append(gaps, fmt.Sprintf("%s: %s differs", id, firstDiff(want, g, "")))
		}
	}
	return gaps, nil
}

// Apply runs the export's post-renderers and common labels on a manifest
// stream with kustomize's Go API, the way helm-controller does.
func Apply(manifests []byte, ex *Export) (resmap.ResMap, error) {
	fs := filesys.MakeFsInMemory()
	k := kustypes.Kustomization{Resources: []string{"helm-output.yaml"}}
	k.APIVersion, k.Kind = kustypes.KustomizationVersion, kustypes.KustomizationKind
	for _, pr := range ex.PostRenderers {
		if pr.Kustomize == nil {
			continue
		}
		for _, im := range pr.Kustomize.Images {
			k.Images = append(k.Images, kustypes.Image{Name: im.Name, NewName: im.NewName, NewTag: im.NewTag, Digest: im.Digest})
		}
		for _, p := range pr.Kustomize.Patches {
			kp := kustypes.Patch{Patch: p.Patch}
			if t := p.Target; t != nil {
				kp.Target = &kustypes.Selector{LabelSelector: t.LabelSelector, AnnotationSelector: t.AnnotationSelector}
				kp.Target.Name, kp.Target.Namespace = t.Name, t.Namespace
				kp.Target.Gvk.Group, kp.Target.Gvk.Version, kp.Target.Gvk.Kind = t.Group, t.Version, t.Kind
			}
			k.Patches = append(k.Patches, kp)
		}
	}
	kb, err := json.Marshal(k)
	if err != nil {
		return nil, err
	}
	if err := fs.WriteFile("helm-output.yaml", manifests); err != nil {
		return nil, err
	}
	if err := fs.WriteFile("kustomization.yaml", kb); err != nil {
		return nil, err
	}
	kz := krusty.MakeKustomizer(&krusty.Options{LoadRestrictions: kustypes.LoadRestrictionsNone, PluginConfig: kustypes.DisabledPluginConfig()})
	rm, err := kz.Run(fs, ".")
	if err != nil {
		return nil, err
	}
	if ex.CommonMetadata == nil || len(ex.CommonMetadata.Labels) == 0 {
		return rm, nil
	}
	// helm-controller's commonMetadata: labels on metadata only, every
	// resource, after the post-renderers.
	out, err := rm.AsYaml()
	if err != nil {
		return nil, err
	}
	rm, err = resmap.NewFactory(provider.NewDefaultDepProvider().GetResourceFactory()).NewResMapFromBytes(out)
	if err != nil {
		return nil, err
	}
	lt := &builtins.LabelTransformerPlugin{Labels: ex.CommonMetadata.Labels,
		FieldSpecs: []kustypes.FieldSpec{{Path: "metadata/labels", CreateIfNotPresent: true}}}
	if err := lt.Transform(rm); err != nil {
		return nil, err
	}
	return rm, nil
}

// plain is a resource as JSON values, without what kustomize drops when it
// patches a resource and the API server ignores: null fields, and empty
// labels and annotations maps.
func plain(n *yaml.RNode) (interface{}, error) {
	b, err := n.MarshalJSON()
	if err != nil {
		return nil, err
	}
	var v map[string]interface{}
	if err := json.Unmarshal(b, &v); err != nil {
		return nil, err
	}
	Normalize(v)
	return v, nil
}

// Normalize drops, in place, what kustomize drops from a resource it
// patches and the API server ignores: null fields, and empty labels and
// annotations. Resources compared after a Flux post-render are compared
// normalized.
func Normalize(obj map[string]interface{}) {
	dropNulls(obj)
	if meta, ok := obj["metadata"].(map[string]interface{}); ok {
		for _, k := range []string{"labels", "annotations"} {
			if m, ok := meta[k]; ok {
				if mm, _ := m.(map[string]interface{}); len(mm) == 0 {
					delete(meta, k)
				}
			}
		}
	}
}

// firstDiff names the first field where two JSON values differ.
func firstDiff(a, b interface{}, path string) string {
	switch av := a.(type) {
	case map[string]interface{}:
		bv, ok := b.(map[string]interface{})
		if !ok {
			return orRoot(path)
		}
		keys := make([]string, 0, len(av)+len(bv))
		for k := range av {
			keys = append(keys, k)
		}
		for k := range bv {
			if _, ok := av[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !reflect.DeepEqual(av[k], bv[k]) {
				return firstDiff(av[k], bv[k], join(path, k))
			}
		}
	case []interface{}:
		bv, ok := b.([]interface{})
		if !ok || len(av) != len(bv) {
			return orRoot(path)
		}
		for i := range av {
			if !reflect.DeepEqual(av[i], bv[i]) {
				return firstDiff(av[i], bv[i], fmt.Sprintf("%s[%d]", path, i))
			}
		}
	}
	return orRoot(path)
}

func join(path, k string) string {
	if path == "" {
		return k
	}
	return path + "." + k
}

func orRoot(p string) string {
	if p == "" {
		return "the resource"
	}
	return p
}

func dropNulls(v interface{}) {
	switch x := v.(type) {
	case map[string]interface{}:
		for k, e := range x {
			if e == nil {
				delete(x, k)
				continue
			}
			dropNulls(e)
		}
	case []interface{}:
		for _, e := range x {
			dropNulls(e)
		}
	}
}
