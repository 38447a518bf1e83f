package krm

import (
	"strconv"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/report"
)

// Severity is the KRM severity of a result, or "" for a result that is not
// reported in ResourceList.results (passes, plain skips, mutations): error
// for a failure in Enforce, warning for Warn failures and for rules that
// could not be evaluated, info for Audit failures and for failures a
// PolicyException turned into a skip.
func Severity(r report.Result) framework.Severity {
	switch {
	case r.Violation():
		return framework.Error
	case r.Warning(), r.Status == report.StatusError:
		return framework.Warning
	case r.Status == report.StatusFail:
		return framework.Info
	case r.Status == report.StatusSkip && r.Exception != "":
		return framework.Info
	}
	return ""
}

// Results converts the engine's results about resources (indexed as
// rendered) to ResourceList results: resourceRef from the resource, field
// path from the failing field, file from the path and index annotations
// kustomize and kpt set on each item.
func Results(rs []report.Result, resources []*yaml.RNode) framework.Results {
	var out framework.Results
	for _, r := range rs {
		sev := Severity(r)
		if sev == "" {
			continue
		}
		fr := &framework.Result{
			Message:  r.RuleKey() + ": " + r.Message,
			Severity: sev,
			ResourceRef: &yaml.ResourceIdentifier{
				TypeMeta: yaml.TypeMeta{APIVersion: r.Resource.APIVersion, Kind: r.Resource.Kind},
				NameMeta: yaml.NameMeta{Name: r.Resource.Name, Namespace: r.Resource.Namespace},
			},
			Tags: tags(r),
		}
		if r.Path != "" {
			fr.Field = &framework.Field{Path: r.Path}
		}
		if i := r.Resource.Index; i >= 0 && i < len(resources) {
			fr.File = fileOf(resources[i])
		}
		out = append(out, fr)
	}
	return out
}

func tags(r report.Result) map[string]string {
	t := map[string]string{"policy": r.PolicyKey(), "rule": r.Rule, "status": string(r.Status)}
	set := func(k, v string) {
		if v != "" {
			t[k] = v
		}
	}
	set("action", string(r.Action))
	set("category", r.Category)
	set("severity", r.Severity)
	set("exception", r.Exception)
	set("remediation", r.Remediation)
	set("expression", r.Expression)
	set("binding", r.Binding)
	if r.Resource.Item >= 0 {
		t["item"] = strconv.Itoa(r.Resource.Item)
	}
	return t
}

func fileOf(n *yaml.RNode) *framework.File {
	path, index, err := kioutil.GetFileAnnotations(n)
	if err != nil || path == "" {
		return nil
	}
	f := &framework.File{Path: path}
	if i, err := strconv.Atoi(index); err == nil {
		f.Index = i
	}
	return f
}
