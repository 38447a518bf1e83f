package krm

import (
	"fmt"
	"io"

	"sigs.k8s.io/kustomize/kyaml/fn/framework"
	"sigs.k8s.io/kustomize/kyaml/kio/kioutil"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/pipeline"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
	"github.com/preadmit/preadmit/transform/stream"
)

// Function is "preadmit fn": a KRM function (kustomize, kpt) running the
// same engine as render on the items of a ResourceList.
type Function struct {
	// Stderr receives the human report, the lines render prints: kustomize
	// shows a function's stderr and drops ResourceList.results.
	Stderr  io.Writer
	Version string
}

var _ framework.ResourceListProcessor = (*Function)(nil)

// Process renders the resource items in place. Kyverno policies and
// PolicyExceptions among the items are consumed. Every finding goes to
// ResourceList.results; an Enforce failure returns a
// *pipeline.ViolationError (kustomize and kpt then fail and keep none of
// the items).
func (f *Function) Process(rl *framework.ResourceList) error {
	cfg, err := ParseConfig(rl.FunctionConfig)
	if err != nil {
		return err
	}
	items := SplitItems(rl.Items)
	if cfg.Options.Inline, err = inlinePolicies(cfg, items); err != nil {
		return err
	}
	eng, _, err := pipeline.Engine(cfg.Options)
	if err != nil {
		return err
	}
	docs, err := stream.FromNodes(items.Resources, stream.DefaultLimits)
	if err != nil {
		return err
	}
	originals := make([]*yaml.RNode, len(docs))
	for i, d := range docs {
		originals[i] = d.Node.Copy()
	}
	res, err := eng.RenderDocuments(docs)
	if err != nil {
		return err
	}
	// A rule may rewrite a node with an equal value (an add-if-absent anchor
	// that found the field): as render writes such documents back byte for
	// byte, the function emits them as they came.
	for i, d := range docs {
		if !d.Changed {
			items.Resources[i] = originals[i]
		}
	}
	report.Sort(res.Results)
	if cfg.ReportFile != "" {
		ropts := report.Options{Resources: res.Resources, ToolVersion: f.Version}
		if err := pipeline.WriteReportFile(cfg.ReportFile, f.Stderr, cfg.Options.Report.Format, res.Results, ropts); err != nil {
			return err
		}
	}
	rl.Results = append(rl.Results, Results(res.Results, items.Resources)...)
	if v := pipeline.Violations(res, ""); v != nil {
		_, _ = io.WriteString(f.Stderr, v.Report)
		return v
	}
	rl.Items = items.Resources
	more := "set reportFile in the functionConfig"
	if cfg.ReportFile != "" {
		more = "see " + cfg.ReportFile
	}
	_, _ = io.WriteString(f.Stderr, pipeline.SuccessReport(res, "", cfg.Quiet, more))
	return nil
}

// inlinePolicies parses the policies of the functionConfig and those that
// came as items; the exceptions among the items go to Others.
func inlinePolicies(cfg *Config, items Items) (*policy.Set, error) {
	set := &policy.Set{}
	var errs policy.Errors
	add := func(file string, n *yaml.RNode) {
		p, perrs := policy.Parse(file, n)
		errs = append(errs, perrs...)
		if p != nil {
			set.Policies = append(set.Policies, p)
		}
	}
	for i, n := range cfg.Policies {
		add(fmt.Sprintf("functionConfig policies[%d]", i), n)
	}
	for _, n := range items.Policies {
		add(itemFile(n), n)
	}
	for _, n := range items.Exceptions {
		set.Others = append(set.Others, &policy.Document{File: itemFile(n), Node: n})
	}
	for _, n := range items.OtherPolicies {
		// Read as in a file: CEL policies applied, the kinds preadmit
		// cannot apply kept in Others for the loader to refuse.
		errs = append(errs, set.AddDocument(itemFile(n), n)...)
	}
	errs = append(errs, set.PairAdmissionPolicies()...)
	if len(set.Policies) == 0 && len(set.Others) == 0 {
		return nil, errs.AsError()
	}
	return set, errs.AsError()
}

// itemFile names an item by the file kustomize or kpt read it from.
func itemFile(n *yaml.RNode) string {
	if path, _, _ := kioutil.GetFileAnnotations(n); path != "" {
		return path
	}
	return "ResourceList item " + n.GetKind() + " " + n.GetName()
}
