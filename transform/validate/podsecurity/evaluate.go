package podsecurity

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/yamlnode"
)

// templatePaths maps a kind to where its pod template lives; the empty path
// means the resource is the pod itself.
var templatePaths = map[string][]string{
	"Pod":                   nil,
	"Deployment":            {"spec", "template"},
	"StatefulSet":           {"spec", "template"},
	"DaemonSet":             {"spec", "template"},
	"ReplicaSet":            {"spec", "template"},
	"ReplicationController": {"spec", "template"},
	"Job":                   {"spec", "template"},
	"CronJob":               {"spec", "jobTemplate", "spec", "template"},
}

// Evaluate runs the compiled rule on one resource and returns its
// violations, in the library's check order. No violations means the rule
// passes. A kind without a pod template or a template that does not decode
// returns a *ResourceError.
func (c *Check) Evaluate(resource *yaml.RNode) ([]Violation, error) {
	if resource == nil || resource.YNode() == nil {
		return nil, &ResourceError{Err: errors.New("empty document")}
	}
	kind := ""
	if k := yamlnode.Field(resource.YNode(), "kind"); k != nil && k.Kind == yaml.ScalarNode {
		kind = k.Value
	}
	tmplPath, ok := templatePaths[kind]
	if !ok {
		return nil, &ResourceError{Kind: kind, Err: errors.New("not a Pod or pod controller")}
	}
	if len(c.checks) == 0 {
		return nil, nil
	}
	prefix := ""
	if len(tmplPath) > 0 {
		prefix = strings.Join(tmplPath, ".") + "."
	}
	meta, spec, err := decodeTemplate(resource, tmplPath)
	if err != nil {
		return nil, &ResourceError{Kind: kind, Path: prefix + "spec", Err: err}
	}

	var out []Violation
	for _, sc := range c.checks {
		res := sc.run(meta, spec)
		if res.Allowed {
			continue
		}
		found := findFields(sc, meta, spec)
		if len(found) == 0 {
			// The library failed the pod for a reason the field table does
			// not know: point at the pod spec so the violation is kept.
			found = []field{{path: "spec", wildcard: "spec"}}
		}
		kept := c.applyExcludes(sc.id, found)
		if len(kept) == 0 {
			continue
		}
		v := Violation{
			Control: controlName(sc.id),
			Check:   string(sc.id),
			Message: message(res, len(kept) != len(found), kept),
			Fix:     fixes[sc.id],
		}
		for _, f := range kept {
			v.Paths = append(v.Paths, prefix+f.path)
		}
		out = append(out, v)
	}
	return out, nil
}

func message(res policy.CheckResult, partial bool, kept []field) string {
	if partial {
		paths := make([]string, len(kept))
		for i, f := range kept {
			paths[i] = f.path
		}
		return fmt.Sprintf("%s (not excluded: %s)", res.ForbiddenReason, strings.Join(paths, ", "))
	}
	if res.ForbiddenDetail == "" {
		return res.ForbiddenReason
	}
	return fmt.Sprintf("%s (%s)", res.ForbiddenReason, res.ForbiddenDetail)
}

// decodeTemplate decodes the pod template's annotations and spec. Everything
// else in the document is left alone. A missing template or spec decodes as
// an empty one, as it would in Kyverno.
func decodeTemplate(resource *yaml.RNode, path []string) (*metav1.ObjectMeta, *corev1.PodSpec, error) {
	tmpl := resource.YNode()
	for _, p := range path {
		tmpl = yamlnode.Field(tmpl, p)
		if tmpl == nil {
			return &metav1.ObjectMeta{}, &corev1.PodSpec{}, nil
		}
	}
	meta := &metav1.ObjectMeta{}
	if md := yamlnode.Field(tmpl, "metadata"); md != nil {
		if ann := yamlnode.Field(md, "annotations"); ann != nil {
			if err := decodeInto(ann, &meta.Annotations); err != nil {
				return nil, nil, fmt.Errorf("metadata.annotations: %w", err)
			}
		}
	}
	spec := &corev1.PodSpec{}
	if s := yamlnode.Field(tmpl, "spec"); s != nil {
		if err := decodeInto(s, spec); err != nil {
			return nil, nil, err
		}
	}
	return meta, spec, nil
}

// decodeInto converts a YAML node to a Kubernetes API struct through JSON,
// which is what the API types' tags describe.
func decodeInto(n *yaml.Node, into any) error {
	var v any
	if err := n.Decode(&v); err != nil {
		return err
	}
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, into)
}
