package policychart_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"helm.sh/helm/v3/pkg/chart/loader"
	"helm.sh/helm/v3/pkg/chartutil"
	"helm.sh/helm/v3/pkg/engine"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/preadmit/preadmit/internal/policychart"
	"github.com/preadmit/preadmit/pipeline"
	"github.com/preadmit/preadmit/policies"
	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/policy"
)

const chartDir = "../../charts/preadmit-policies"

// TestGeneratedChartUpToDate fails when charts/preadmit-policies is not what
// "make generate" writes from policies/ today.
func TestGeneratedChartUpToDate(t *testing.T) {
	files, err := policychart.Generate(policies.FS)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range files {
		got, err := os.ReadFile(filepath.Join(chartDir, name))
		if err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is stale or missing: run make generate", name)
		}
	}
	onDisk, _ := filepath.Glob(filepath.Join(chartDir, "templates", "*.yaml"))
	for _, p := range onDisk {
		b, _ := os.ReadFile(p)
		if _, ok := files["templates/"+filepath.Base(p)]; !ok && bytes.HasPrefix(b, []byte(policychart.Header)) {
			t.Errorf("%s was generated for a policy that is gone: run make generate", p)
		}
	}
}

// chartSettings are chart values and the preadmit settings they stand for.
type chartSettings struct {
	name   string
	values map[string]interface{}
	opts   pipeline.Options
	// mode is --mode for failureAction; vars the preadmit.* variables.
	failureAction string
	vars          map[string]string
	excluded      []string
}

var settings = []chartSettings{
	{name: "defaults", values: map[string]interface{}{}, opts: pipeline.Options{Profile: pipeline.ProfileRestricted}},
	{name: "baseline-mirror-enforce",
		values:        map[string]interface{}{"profile": "baseline", "registry": "mirror.corp.example", "failureAction": "Enforce", "excludedNamespaces": []interface{}{"kube-system", "kyverno"}},
		opts:          pipeline.Options{Profile: pipeline.ProfileBaseline},
		failureAction: "Enforce", vars: map[string]string{"registry": "mirror.corp.example"}, excluded: []string{"kube-system", "kyverno"}},
	{name: "none-disable-audit",
		values:        map[string]interface{}{"profile": "none", "disable": []interface{}{"mirror-images", "require-labels"}, "failureAction": "Audit", "managedBy": "Helm"},
		opts:          pipeline.Options{Profile: pipeline.ProfileNone, Disable: []string{"mirror-images", "require-labels"}},
		failureAction: "Audit", vars: map[string]string{"managedBy": "Helm"}},
	{name: "podsecurity-restricted", values: map[string]interface{}{"profile": "podsecurity-restricted"},
		opts: pipeline.Options{Profile: pipeline.ProfilePodSecurityRestricted}},
	{name: "enable-opt-in", values: map[string]interface{}{"profile": "none", "enable": []interface{}{"podsecurity-baseline"}},
		opts: pipeline.Options{Profile: pipeline.ProfileNone, Enable: []string{"podsecurity-baseline"}}},
	// flavour cel: each policy with a CEL twin is its twin, which preadmit
	// loads with --enable NAME-cel --disable NAME; mirror-images-cel only
	// with a registry (mirror-images does nothing without one).
	{name: "cel", values: map[string]interface{}{"flavour": "cel"},
		opts: pipeline.Options{Profile: pipeline.ProfileRestricted,
			Enable:  []string{"add-default-labels-cel", "add-default-resources-cel", "add-default-securitycontext-cel", "require-labels-cel"},
			Disable: []string{"add-default-labels", "add-default-resources", "add-default-securitycontext", "require-labels", "mirror-images"}}},
	{name: "cel-baseline-mirror-enforce",
		values: map[string]interface{}{"flavour": "cel", "profile": "baseline", "registry": "mirror.corp.example", "registryExclude": []interface{}{"registry.k8s.io/*"},
			"failureAction": "Enforce", "excludedNamespaces": []interface{}{"kube-system", "kyverno"}},
		opts: pipeline.Options{Profile: pipeline.ProfileBaseline,
			Enable:  []string{"add-default-labels-cel", "add-default-resources-cel", "add-default-securitycontext-cel", "require-labels-cel", "mirror-images-cel"},
			Disable: []string{"add-default-labels", "add-default-resources", "add-default-securitycontext", "require-labels", "mirror-images"}},
		failureAction: "Enforce", vars: map[string]string{"registry": "mirror.corp.example", "registryExclude": `["registry.k8s.io/*"]`}, excluded: []string{"kube-system", "kyverno"}},
	{name: "cel-disable-audit",
		values: map[string]interface{}{"flavour": "cel", "profile": "none", "disable": []interface{}{"require-labels"}, "failureAction": "Audit", "managedBy": "Helm"},
		opts: pipeline.Options{Profile: pipeline.ProfileNone,
			Enable:  []string{"add-default-labels-cel", "add-default-resources-cel", "add-default-securitycontext-cel"},
			Disable: []string{"add-default-labels", "add-default-resources", "add-default-securitycontext", "require-labels", "mirror-images"}},
		failureAction: "Audit", vars: map[string]string{"managedBy": "Helm"}},
}

// renderChart renders the chart with values, as helm template would, and
// returns its ClusterPolicies by name, as JSON-like objects.
func renderChart(t *testing.T, values map[string]interface{}) (map[string]interface{}, string) {
	t.Helper()
	chrt, err := loader.Load(chartDir)
	if err != nil {
		t.Fatal(err)
	}
	vals, err := chartutil.ToRenderValues(chrt, values, chartutil.ReleaseOptions{Name: "policies", Namespace: "kyverno", IsInstall: true}, chartutil.DefaultCapabilities)
	if err != nil {
		t.Fatal(err)
	}
	out, err := engine.Render(chrt, vals)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]interface{}{}
	var stream strings.Builder
	for name, text := range out {
		if !strings.HasSuffix(name, ".yaml") || strings.TrimSpace(stripComments(text)) == "" {
			continue
		}
		var doc map[string]interface{}
		if err := sigsyaml.Unmarshal([]byte(text), &doc); err != nil {
			t.Fatalf("%s: %v\n%s", name, err, text)
		}
		if k := doc["kind"]; k != "ClusterPolicy" && k != "MutatingPolicy" && k != "ValidatingPolicy" {
			t.Fatalf("%s renders a %v", name, doc["kind"])
		}
		got[doc["metadata"].(map[string]interface{})["name"].(string)] = doc
		stream.WriteString("---\n" + text + "\n")
	}
	return got, stream.String()
}

func stripComments(s string) string {
	var b strings.Builder
	for _, l := range strings.Split(s, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "#") {
			b.WriteString(l + "\n")
		}
	}
	return b.String()
}

// want is the embedded policy as the chart should install it under s:
// written independently of the generator, from the Kyverno semantics of
// each setting.
func want(t *testing.T, p *policy.Policy, s chartSettings) map[string]interface{} {
	t.Helper()
	var doc map[string]interface{}
	if err := sigsyaml.Unmarshal([]byte(p.Node.MustString()), &doc); err != nil {
		t.Fatal(err)
	}
	spec := doc["spec"].(map[string]interface{})
	if p.Kind != "ClusterPolicy" {
		return wantTwin(doc, s)
	}
	if _, ok := spec["validationFailureAction"]; ok && s.failureAction != "" {
		spec["validationFailureAction"] = s.failureAction
	}
	for _, r := range spec["rules"].([]interface{}) {
		rule := r.(map[string]interface{})
		if v, ok := rule["validate"].(map[string]interface{}); ok {
			if _, ok := v["failureAction"]; ok && s.failureAction != "" {
				v["failureAction"] = s.failureAction
			}
		}
		if len(s.excluded) > 0 {
			ns := []interface{}{}
			for _, n := range s.excluded {
				ns = append(ns, n)
			}
			rule["exclude"] = map[string]interface{}{"any": []interface{}{map[string]interface{}{"resources": map[string]interface{}{"namespaces": ns}}}}
		}
		ctx, _ := rule["context"].([]interface{})
		for _, e := range ctx {
			v, ok := e.(map[string]interface{})["variable"].(map[string]interface{})
			if !ok {
				continue
			}
			key := strings.TrimPrefix(v["jmesPath"].(string), "preadmit.")
			if val, ok := s.vars[key]; ok {
				v["default"] = val
				var list []interface{}
				if json.Unmarshal([]byte(val), &list) == nil {
					v["default"] = list // a list setting, written as JSON
				}
			}
		}
	}
	return doc
}

// twinVariables are the variables of the CEL twins that hold a setting of
// their ClusterPolicy, by the chart value they take.
var twinVariables = map[string]string{"mirrorRegistry": "registry", "excludeImages": "registryExclude", "managedBy": "managedBy"}

// wantTwin is a CEL twin as the chart should install it under s: the
// settings as the twin holds them (variables, validationActions, a
// namespaceSelector).
func wantTwin(doc map[string]interface{}, s chartSettings) map[string]interface{} {
	spec := doc["spec"].(map[string]interface{})
	switch s.failureAction {
	case "Enforce":
		spec["validationActions"] = []interface{}{"Deny"}
	case "Audit":
		spec["validationActions"] = []interface{}{"Audit"}
	}
	if _, ok := doc["spec"].(map[string]interface{})["validations"]; !ok {
		delete(spec, "validationActions") // a MutatingPolicy has none
	}
	if len(s.excluded) > 0 {
		ns := []interface{}{}
		for _, n := range s.excluded {
			ns = append(ns, n)
		}
		spec["matchConstraints"].(map[string]interface{})["namespaceSelector"] = map[string]interface{}{"matchExpressions": []interface{}{
			map[string]interface{}{"key": "kubernetes.io/metadata.name", "operator": "NotIn", "values": ns}}}
	}
	vars, _ := spec["variables"].([]interface{})
	for _, v := range vars {
		m := v.(map[string]interface{})
		key, ok := twinVariables[m["name"].(string)]
		if !ok {
			continue
		}
		if val, ok := s.vars[key]; ok {
			if !strings.HasPrefix(val, "[") {
				val = strconv.Quote(val)
			}
			m["expression"] = val
		}
	}
	return doc
}

// TestChartMatchesLibrary renders the chart under several settings and
// checks that it installs exactly the policies preadmit loads under the
// same settings (--profile, --enable, --disable), each equal to the
// embedded file but for the chart's settings.
func TestChartMatchesLibrary(t *testing.T) {
	for _, s := range settings {
		t.Run(s.name, func(t *testing.T) {
			got, _ := renderChart(t, s.values)
			set, err := pipeline.LoadPolicies(s.opts)
			if err != nil {
				t.Fatal(err)
			}
			var wantNames, gotNames []string
			for _, p := range set.Policies {
				wantNames = append(wantNames, p.Name)
			}
			for n := range got {
				gotNames = append(gotNames, n)
			}
			sort.Strings(wantNames)
			sort.Strings(gotNames)
			if !reflect.DeepEqual(gotNames, wantNames) {
				t.Fatalf("chart installs\n  %v\npreadmit loads\n  %v", gotNames, wantNames)
			}
			for _, p := range set.Policies {
				w := want(t, p, s)
				if !reflect.DeepEqual(got[p.Name], w) {
					g, _ := sigsyaml.Marshal(got[p.Name])
					wb, _ := sigsyaml.Marshal(w)
					t.Errorf("policy %s differs from the library:\n--- chart\n%s\n--- library\n%s", p.Name, g, wb)
				}
			}
		})
	}
}

// TestChartRendersLikePreadmit runs the policies the chart installs through
// preadmit's engine over the demo chart's render and compares with the
// embedded library given the same settings as variables: render time and
// admission time agree, byte for byte and result for result.
func TestChartRendersLikePreadmit(t *testing.T) {
	input, err := os.ReadFile("testdata/demo-app.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, stream := renderChart(t, map[string]interface{}{"profile": "baseline", "registry": "mirror.corp.example"})
	fromChart, err := policy.LoadFS(fstest.MapFS{"chart.yaml": {Data: []byte(stream)}}, ".", "chart")
	if err != nil {
		t.Fatal(err)
	}
	lib, err := pipeline.LoadPolicies(pipeline.Options{Profile: pipeline.ProfileBaseline})
	if err != nil {
		t.Fatal(err)
	}
	// Mutations apply in policy order, which decides where added keys go:
	// take the chart's policies in the library's order.
	order := map[string]int{}
	for i, p := range lib.Policies {
		order[p.Name] = i
	}
	sort.SliceStable(fromChart.Policies, func(i, j int) bool {
		return order[fromChart.Policies[i].Name] < order[fromChart.Policies[j].Name]
	})
	vars := map[string]interface{}{"preadmit": map[string]interface{}{"registry": "mirror.corp.example"}}
	a := renderWith(t, fromChart.Policies, nil, input)
	b := renderWith(t, lib.Policies, vars, input)
	if a != b {
		t.Errorf("the chart's policies render differently from the library:\n--- chart\n%s\n--- library\n%s", a, b)
	}
	if !strings.Contains(a, `image: "mirror.corp.example/nginx:latest"`) {
		t.Errorf("the registry setting did not reach mirror-images:\n%s", a)
	}
	// flavour cel: the twins change the render as the ClusterPolicies do.
	_, stream = renderChart(t, map[string]interface{}{"profile": "baseline", "registry": "mirror.corp.example", "flavour": "cel"})
	twins, err := policy.LoadFS(fstest.MapFS{"chart.yaml": {Data: []byte(stream)}}, ".", "chart")
	if err != nil {
		t.Fatal(err)
	}
	sort.SliceStable(twins.Policies, func(i, j int) bool {
		return order[strings.TrimSuffix(twins.Policies[i].Name, "-cel")] < order[strings.TrimSuffix(twins.Policies[j].Name, "-cel")]
	})
	// The ClusterPolicy writes the value of managed-by quoted, as its
	// "{{ ... }}" template is; a CEL value has no quoting style.
	classic, _ := render(t, fromChart.Policies, nil, input)
	classic = strings.ReplaceAll(classic, `managed-by: "preadmit"`, "managed-by: preadmit")
	cel, results := render(t, twins.Policies, nil, input)
	if cel != classic {
		t.Errorf("the chart's CEL twins render differently from its ClusterPolicies:\n--- cel\n%s\n--- classic\n%s", cel, classic)
	}
	if !strings.Contains(results, "pass mirror-images-cel Deployment") || !strings.Contains(results, "require-labels-cel") {
		t.Errorf("flavour cel did not install the twins:\n%s", results)
	}
}

func renderWith(t *testing.T, ps []*policy.Policy, vars map[string]interface{}, input []byte) string {
	t.Helper()
	manifests, results := render(t, ps, vars, input)
	return manifests + "\n" + results
}

// render renders input with the policies and gives the manifests and the
// sorted results, one a line.
func render(t *testing.T, ps []*policy.Policy, vars map[string]interface{}, input []byte) (string, string) {
	t.Helper()
	eng, err := transform.New(transform.Options{Policies: ps, Variables: vars})
	if err != nil {
		t.Fatal(err)
	}
	out, err := eng.Render(input)
	if err != nil {
		t.Fatal(err)
	}
	b, err := out.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, r := range out.Results {
		lines = append(lines, string(r.Status)+" "+r.RuleKey()+" "+r.Resource.Ref()+" "+r.Path)
	}
	sort.Strings(lines)
	return string(b), strings.Join(lines, "\n")
}

// TestValuesHoldEverySetting: the chart's values.yaml sets each value the
// templates read, flavour among them, to its default.
func TestValuesHoldEverySetting(t *testing.T) {
	chrt, err := loader.Load(chartDir)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]interface{}{"profile": "restricted", "failureAction": "", "flavour": "classic", "registry": "", "managedBy": "preadmit"} {
		if got, ok := chrt.Values[key]; !ok || got != want {
			t.Errorf("values.yaml: %s is %v (set: %v), want %v", key, got, ok, want)
		}
	}
}
