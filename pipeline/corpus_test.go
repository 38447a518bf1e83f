package pipeline

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/internal/corpus"
	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/report"
	"github.com/preadmit/preadmit/transform/stream"
)

// noSafeDefault are the policies whose failures no mutation can fix for
// every chart, and why; a chart that sets nothing still fails them.
var noSafeDefault = map[string]string{
	"require-ro-rootfs": "no safe default: a read-only root breaks apps that write to it; Audit",
}

var updateCorpus = flag.Bool("update-corpus", false, "rewrite testdata/corpus golden files")

// TestCorpus renders every chart of the corpus with the embedded library
// (profile restricted, each rule's own action) and writes the result counts
// per policy, and every failure, to testdata/corpus/<chart>.txt. It then
// asserts that every failure the mutations left is an explicit choice of
// the chart: each failing field is set in the input document as the chart
// rendered it, before any mutation. The assertion covers every policy but
// those in noSafeDefault, whose failures are listed with what the input
// says. A failure without a field path (a deny rule) is listed as such.
func TestCorpus(t *testing.T) {
	renders := corpus.Renders(t)
	set, err := LoadPolicies(Options{})
	if err != nil {
		t.Fatal(err)
	}
	categories := map[string]string{}
	for _, p := range set.Policies {
		categories[p.Name] = p.Category()
	}
	now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	eng, err := transform.New(transform.Options{Policies: set.Policies, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	explicitFailures := 0
	for _, chart := range renders {
		name, in := chart.Name, chart.Data
		t.Run(name, func(t *testing.T) {
			out, err := eng.Render(in)
			if err != nil {
				t.Fatal(err)
			}
			original, err := stream.Read(in, stream.DefaultLimits)
			if err != nil {
				t.Fatal(err)
			}
			report.Sort(out.Results)
			var b strings.Builder
			fmt.Fprintf(&b, "# %s.yaml: result counts per policy, then every failure left after mutation\n", name)
			fmt.Fprintf(&b, "resources %d, mutated %d\n", out.Resources, out.Mutated)
			writeCounts(&b, out.Results)
			for _, r := range out.Results {
				if r.Status != report.StatusFail {
					continue
				}
				where := fmt.Sprintf("fail doc %d %s %s/%s: %s (%s)", r.Resource.Index, r.Resource.Kind, r.Resource.Namespace, r.Resource.Name, r.RuleKey(), r.Action)
				_, exempt := noSafeDefault[r.Policy]
				asserted := !exempt
				if r.Path == "" {
					fmt.Fprintf(&b, "%s: no field path\n", where)
					continue
				}
				for _, p := range strings.Split(r.Path, ", ") {
					at, v, ok := findInInput(inputNode(original, r.Resource), r.Resource.Kind, p)
					switch {
					case ok:
						explicitFailures++
						fmt.Fprintf(&b, "%s: %s set in the input to %s\n", where, at, v)
					case asserted:
						t.Errorf("%s: fails at %s, which the chart does not set: the mutations should have fixed it, or the rule reports the wrong field", where, p)
					default:
						fmt.Fprintf(&b, "%s: %s not set in the input (%s)\n", where, p, noSafeDefault[r.Policy])
					}
				}
			}
			goldenFile(t, filepath.Join("testdata", "corpus", name+".txt"), b.String())
		})
	}
	if explicitFailures == 0 {
		t.Error("no explicit failure in the whole corpus: the assertion checked nothing (prometheus-node-exporter asks for hostNetwork and hostPath)")
	}
}

// findInInput looks a failing field up in the input resource. A path
// relative to a foreach element (a container, for a rule over a computed
// list) is looked up in each container of the pod template.
func findInInput(res *yaml.Node, kind, path string) (at, value string, ok bool) {
	if v, ok := lookupPath(res, path); ok {
		return path, v, true
	}
	spec := map[string]string{"Pod": "spec", "CronJob": "spec.jobTemplate.spec.template.spec"}[kind]
	if spec == "" {
		spec = "spec.template.spec"
	}
	for _, list := range []string{"initContainers", "containers", "ephemeralContainers"} {
		for i := 0; ; i++ {
			c := fmt.Sprintf("%s.%s[%d]", spec, list, i)
			if _, ok := lookupPath(res, c); !ok {
				break
			}
			if v, ok := lookupPath(res, c+"."+path); ok {
				return c + "." + path, v, true
			}
		}
	}
	return "", "", false
}

func writeCounts(b *strings.Builder, results []report.Result) {
	counts := map[string]*report.Counts{}
	for _, r := range results {
		c := counts[r.PolicyKey()]
		if c == nil {
			c = &report.Counts{}
			counts[r.PolicyKey()] = c
		}
		c.Add(r.Status)
	}
	names := make([]string, 0, len(counts))
	for n := range counts {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := counts[n]
		fmt.Fprintf(b, "%-40s pass %3d  fail %2d  warn %2d  error %2d  skip %2d\n", n, c.Pass, c.Fail, c.Warn, c.Error, c.Skip)
	}
}

// inputNode is the resource of a result in the input as read, before any
// mutation: the document, or the item of a List.
func inputNode(docs []*stream.Document, r report.Resource) *yaml.Node {
	if r.Index < 0 || r.Index >= len(docs) || docs[r.Index].Node == nil {
		return nil
	}
	n := docs[r.Index].Node.YNode()
	if r.Item >= 0 {
		n = child(n, "items")
		if n == nil || n.Kind != yaml.SequenceNode || r.Item >= len(n.Content) {
			return nil
		}
		n = n.Content[r.Item]
	}
	return n
}

// lookupPath follows a result path ("spec.containers[0].image",
// `metadata.labels["app.kubernetes.io/name"]`, "metadata.annotations[key]")
// and returns the value found, as flow YAML.
func lookupPath(n *yaml.Node, path string) (string, bool) {
	for path != "" && n != nil {
		switch path[0] {
		case '.':
			path = path[1:]
		case '[':
			end := strings.IndexByte(path, ']')
			if end < 0 {
				return "", false
			}
			key := path[1:end]
			path = path[end+1:]
			if i, err := strconv.Atoi(key); err == nil {
				if n.Kind != yaml.SequenceNode || i >= len(n.Content) {
					return "", false
				}
				n = n.Content[i]
				continue
			}
			if uq, err := strconv.Unquote(key); err == nil {
				key = uq
			}
			n = child(n, key)
		default:
			end := strings.IndexAny(path, ".[")
			if end < 0 {
				end = len(path)
			}
			n, path = child(n, path[:end]), path[end:]
		}
	}
	if n == nil {
		return "", false
	}
	s, err := yaml.NewRNode(n).String()
	if err != nil {
		return "", false
	}
	return strings.Join(strings.Fields(s), " "), true
}

func child(n *yaml.Node, key string) *yaml.Node {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == key {
			return n.Content[i+1]
		}
	}
	return nil
}

func goldenFile(t *testing.T, path, got string) {
	t.Helper()
	if *updateCorpus {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./pipeline -run TestCorpus -update-corpus)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}
