package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/internal/corpus"
	"github.com/preadmit/preadmit/transform/stream"
	"github.com/preadmit/preadmit/transform/variables"
)

// TestCorpusRenderAudit runs "preadmit render --mode audit" over every real
// chart render: every document is kept in order, documents no rule changed
// are byte-identical, a second render changes nothing, and every pod
// template has the securityContext and resources defaults wherever the
// chart left them unset.
func TestCorpusRenderAudit(t *testing.T) {
	for _, r := range corpus.Renders(t) {
		t.Run(r.Name, func(t *testing.T) {
			report := filepath.Join(t.TempDir(), "report.json")
			res := runCmd(t, []string{"render", "--mode", "audit", "--report-file", report, "--report-format", "json"}, r.Data, nil)
			if res.code != 0 {
				t.Fatalf("exit %d:\n%s", res.code, res.stderr)
			}
			in, out := splitDocs(t, r.Data), splitDocs(t, []byte(res.stdout))
			assertSameDocuments(t, in, out)
			mutated := mutatedDocs(t, report)
			for i := range in {
				if !mutated[i] && string(in[i].Raw) != string(out[i].Raw) {
					t.Errorf("doc %d (%s) changed but no mutate rule reports changing it", i, docName(in[i]))
				}
				if mutated[i] && string(in[i].Raw) == string(out[i].Raw) {
					t.Errorf("doc %d (%s) is reported mutated but its bytes did not change", i, docName(in[i]))
				}
			}
			if len(mutated) == 0 {
				t.Errorf("no document mutated: the defaults did not apply")
			}
			again := runCmd(t, []string{"render", "--mode", "audit"}, []byte(res.stdout), nil)
			if again.code != 0 || again.stdout != res.stdout {
				t.Errorf("render(render(x)) != render(x) (exit %d)", again.code)
			}
			for i := range in {
				assertDefaults(t, in[i], out[i])
			}
		})
	}
}

func splitDocs(t *testing.T, b []byte) []*stream.Document {
	t.Helper()
	docs, err := stream.Read(b, stream.DefaultLimits)
	if err != nil {
		t.Fatal(err)
	}
	return docs
}

func docName(d *stream.Document) string {
	if d.Node == nil {
		return "empty"
	}
	return fmt.Sprintf("%s %s/%s", d.Node.GetKind(), d.Node.GetNamespace(), d.Node.GetName())
}

func assertSameDocuments(t *testing.T, in, out []*stream.Document) {
	t.Helper()
	if len(in) != len(out) {
		t.Fatalf("%d documents in, %d out", len(in), len(out))
	}
	for i := range in {
		if docName(in[i]) != docName(out[i]) {
			t.Errorf("doc %d: %s in, %s out", i, docName(in[i]), docName(out[i]))
		}
		if in[i].Source != out[i].Source {
			t.Errorf("doc %d: # Source: %q in, %q out", i, in[i].Source, out[i].Source)
		}
	}
}

// mutatedDocs reads a JSON report and returns the indexes of the documents a
// mutate rule changed.
func mutatedDocs(t *testing.T, path string) map[int]bool {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Results []struct {
			Resource struct{ Index int } `json:"resource"`
			Type     string              `json:"type"`
			Status   string              `json:"status"`
		} `json:"results"`
	}
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	out := map[int]bool{}
	for _, r := range rep.Results {
		if r.Type == "Mutation" && r.Status == "pass" {
			out[r.Resource.Index] = true
		}
	}
	return out
}

// The defaults of the built-in mutate policies, as field path and value.
var (
	podDefaults = map[string]string{
		"securityContext.runAsNonRoot":        "true",
		"securityContext.runAsUser":           "65534",
		"securityContext.runAsGroup":          "65534",
		"securityContext.seccompProfile.type": "RuntimeDefault",
	}
	containerDefaults = map[string]string{
		"securityContext.privileged":        "false",
		"securityContext.capabilities.drop": "[ALL]",
		"resources.requests.cpu":            "100m",
		"resources.requests.memory":         "128Mi",
		"resources.limits.cpu":              "500m",
		"resources.limits.memory":           "512Mi",
	}
)

// assertDefaults checks each default field of the pod spec and of every
// container: unset in the input means the default in the output; set in
// the input means the input's value, unchanged.
func assertDefaults(t *testing.T, in, out *stream.Document) {
	t.Helper()
	if in.Node == nil {
		return
	}
	path, ok := variables.PodSpecPath(in.Node.GetKind())
	if !ok {
		return
	}
	inSpec, outSpec := lookup(in.Node, path...), lookup(out.Node, path...)
	if inSpec == nil {
		return
	}
	where := docName(in)
	checkFields(t, where+" pod", inSpec, outSpec, podDefaults)
	for _, list := range []string{"containers", "initContainers"} {
		inList := lookup(inSpec, list)
		if inList == nil {
			continue
		}
		elems, _ := inList.Elements()
		for i, c := range elems {
			name := yaml.GetValue(c.Field("name").Value)
			outC := findByName(lookup(outSpec, list), name)
			if outC == nil {
				t.Errorf("%s: %s %q lost", where, list, name)
				continue
			}
			fields := containerDefaults
			if yaml.GetValue(lookup(c, "securityContext", "privileged")) != "true" {
				fields = withField(fields, "securityContext.allowPrivilegeEscalation", "false")
			}
			checkFields(t, fmt.Sprintf("%s %s[%d] %s", where, list, i, name), c, outC, fields)
		}
	}
}

func withField(m map[string]string, k, v string) map[string]string {
	out := map[string]string{k: v}
	for a, b := range m {
		out[a] = b
	}
	return out
}

func checkFields(t *testing.T, where string, in, out *yaml.RNode, fields map[string]string) {
	t.Helper()
	for f, def := range fields {
		p := strings.Split(f, ".")
		iv, ov := lookup(in, p...), lookup(out, p...)
		if ov == nil {
			t.Errorf("%s: %s missing after render (default %s)", where, f, def)
			continue
		}
		if iv == nil {
			if got := flow(ov); got != def {
				t.Errorf("%s: %s = %s after render, want the default %s", where, f, got, def)
			}
			continue
		}
		if flow(iv) != flow(ov) {
			t.Errorf("%s: %s was %s in the chart and %s after render: an explicit choice was overridden", where, f, flow(iv), flow(ov))
		}
	}
}

func lookup(n *yaml.RNode, path ...string) *yaml.RNode {
	if n == nil {
		return nil
	}
	v, err := n.Pipe(yaml.Lookup(path...))
	if err != nil {
		return nil
	}
	return v
}

func findByName(list *yaml.RNode, name string) *yaml.RNode {
	if list == nil {
		return nil
	}
	elems, _ := list.Elements()
	for _, e := range elems {
		if f := e.Field("name"); f != nil && yaml.GetValue(f.Value) == name {
			return e
		}
	}
	return nil
}

// flow prints a node on one line: scalars as their value, lists as [a,b].
func flow(n *yaml.RNode) string {
	if n.YNode().Kind == yaml.SequenceNode {
		var parts []string
		for _, c := range n.YNode().Content {
			parts = append(parts, c.Value)
		}
		return "[" + strings.Join(parts, ",") + "]"
	}
	return n.YNode().Value
}
