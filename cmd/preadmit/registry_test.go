package main

import (
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/internal/corpus"
)

const mirror = "registry.local"

// podTemplateKinds are the kinds whose containers the rewrite must reach.
// The test walks them generically (every container list anywhere in the
// resource) rather than through the engine's pod spec table, so that a
// list the engine misses is caught.
var podTemplateKinds = []string{"Pod", "Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController", "Job", "CronJob"}

// containerImages returns every image of every container list of every pod
// template kind of a stream (List items included), in stream order.
func containerImages(t *testing.T, b []byte) []string {
	t.Helper()
	var out []string
	var walk func(n *yaml.Node, key string)
	walk = func(n *yaml.Node, key string) {
		switch n.Kind {
		case yaml.MappingNode:
			for i := 0; i+1 < len(n.Content); i += 2 {
				walk(n.Content[i+1], n.Content[i].Value)
			}
		case yaml.SequenceNode:
			for _, e := range n.Content {
				if e.Kind == yaml.MappingNode && (key == "containers" || key == "initContainers" || key == "ephemeralContainers") {
					for i := 0; i+1 < len(e.Content); i += 2 {
						if e.Content[i].Value == "image" {
							out = append(out, e.Content[i+1].Value)
						}
					}
				}
				walk(e, "")
			}
		}
	}
	var resource func(n *yaml.RNode)
	resource = func(n *yaml.RNode) {
		if n.GetKind() == "List" {
			items, _ := n.Pipe(yaml.Lookup("items"))
			if items != nil {
				for _, it := range items.YNode().Content {
					resource(yaml.NewRNode(it))
				}
			}
			return
		}
		if slices.Contains(podTemplateKinds, n.GetKind()) {
			walk(n.YNode(), "")
		}
	}
	for _, d := range splitDocs(t, b) {
		if d.Node != nil {
			resource(d.Node)
		}
	}
	return out
}

func sortedUnique(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return slices.Compact(s)
}

// TestCorpusRegistry is the acceptance of the air-gapped rewrite over every
// real chart render, through the command line: with --registry
// registry.local every pod template image is under the mirror; the output
// differs from a render without --registry in image fields only; a second
// pass changes nothing, byte for byte; preadmit images lists exactly the
// images of the input, and its mirrored names are those render wrote.
func TestCorpusRegistry(t *testing.T) {
	for _, r := range corpus.Renders(t) {
		t.Run(r.Name, func(t *testing.T) {
			base := runCmd(t, []string{"render", "--mode", "audit", "-q"}, r.Data, nil)
			mir := runCmd(t, []string{"render", "--mode", "audit", "-q", "--registry", mirror}, r.Data, nil)
			if base.code != 0 || mir.code != 0 {
				t.Fatalf("exit %d / %d:\n%s\n%s", base.code, mir.code, base.stderr, mir.stderr)
			}
			before := containerImages(t, r.Data)
			after := containerImages(t, []byte(mir.stdout))
			if len(before) == 0 {
				t.Fatal("the render has no container images: nothing is tested")
			}
			if len(after) != len(before) {
				t.Fatalf("%d images before the rewrite, %d after", len(before), len(after))
			}
			for i, img := range after {
				if !strings.HasPrefix(img, mirror+"/") {
					t.Errorf("image %q is not under %s/", img, mirror)
				}
				if want := mirror + "/" + before[i]; img != want {
					t.Errorf("image %d: got %q, want %q (the reference as written, prefixed)", i, img, want)
				}
			}
			// The rewrite touches image fields only: removing the prefix from
			// them gives the render without --registry, byte for byte.
			if n := strings.Count(mir.stdout, mirror+"/"); n != len(after) {
				t.Errorf("%s/ appears %d times in the output, but there are %d image fields", mirror, n, len(after))
			}
			if got := strings.ReplaceAll(mir.stdout, mirror+"/", ""); got != base.stdout {
				t.Errorf("the rewrite changed more than image fields:\n%s", firstDiff(got, base.stdout))
			}
			again := runCmd(t, []string{"render", "--mode", "audit", "-q", "--registry", mirror}, []byte(mir.stdout), nil)
			if again.code != 0 || again.stdout != mir.stdout {
				t.Errorf("a second pass changed the output (exit %d):\n%s", again.code, firstDiff(again.stdout, mir.stdout))
			}
			list := runCmd(t, []string{"images"}, r.Data, nil)
			if list.code != 0 {
				t.Fatalf("images: exit %d: %s", list.code, list.stderr)
			}
			if got, want := lines(list.stdout), sortedUnique(before); !slices.Equal(got, want) {
				t.Errorf("preadmit images = %q, want the images before the rewrite %q", got, want)
			}
			pairs := runCmd(t, []string{"images", "--registry", mirror}, r.Data, nil)
			var mirrored []string
			for _, l := range lines(pairs.stdout) {
				src, dst, ok := strings.Cut(l, " ")
				if !ok || !slices.Contains(before, src) {
					t.Errorf("images --registry line %q: want \"source mirrored\" with a source of the input", l)
				}
				mirrored = append(mirrored, dst)
			}
			if got, want := sortedUnique(mirrored), sortedUnique(after); !slices.Equal(got, want) {
				t.Errorf("images --registry names %q, render wrote %q", got, want)
			}
		})
	}
}

func lines(s string) []string {
	return strings.Split(strings.TrimSuffix(s, "\n"), "\n")
}

// firstDiff shows the first differing line of two texts.
func firstDiff(got, want string) string {
	g, w := strings.Split(got, "\n"), strings.Split(want, "\n")
	for i := 0; i < len(g) && i < len(w); i++ {
		if g[i] != w[i] {
			return "line " + strconv.Itoa(i+1) + ":\n  got:  " + g[i] + "\n  want: " + w[i]
		}
	}
	return "lengths differ: " + strconv.Itoa(len(g)) + " vs " + strconv.Itoa(len(w)) + " lines"
}

// registryPolicies are the two built-in registry policies alone, so the
// golden files show the rewrite and nothing else.
var registryPolicies = []string{"--no-builtin", "-p", "../../policies/registry"}

func withArgs(base []string, more ...string) []string {
	return append(slices.Clone(base), more...)
}

// TestRegistryCLI runs the air-gap flags end to end: every pod template
// kind, the two layouts, excludes, the environment, values files and
// --set, and the allowlist restrict-image-registries gets from --registry.
func TestRegistryCLI(t *testing.T) {
	render := withArgs([]string{"render", "--mode", "audit"}, registryPolicies...)
	runCases(t, []cmdTestCase{
		{name: "registry-off", args: render, input: "registry-kinds.yaml"},
		{name: "registry", args: withArgs(render, "--registry", "registry.local"), input: "registry-kinds.yaml"},
		{name: "registry-trailing-slash", args: withArgs(render, "--registry", "registry.local/"), input: "registry-kinds.yaml"},
		{name: "registry-normalize", args: withArgs(render, "--registry", "registry.local", "--registry-normalize"), input: "registry-kinds.yaml"},
		{name: "registry-exclude", args: withArgs(render, "--registry", "registry.local:5000/mirror",
			"--registry-exclude", "registry.corp.example/*", "--registry-exclude", "localhost:5000/*"), input: "registry-kinds.yaml"},
		{name: "registry-env", args: render, input: "registry-kinds.yaml", env: map[string]string{
			"PREADMIT_REGISTRY": "registry.local", "PREADMIT_REGISTRY_EXCLUDE": "registry.corp.example/*,localhost:5000/*"}},
		{name: "registry-values-file", args: withArgs(render, "--values-file", "testdata/values/registry.yaml"), input: "registry-kinds.yaml"},
		{name: "registry-set", args: withArgs(render, "--set", "preadmit.registry=registry.local"), input: "registry-kinds.yaml"},
		{name: "registry-flag-beats-values", args: withArgs(render, "--values-file", "testdata/values/registry.yaml",
			"--registry", "mirror.example:443"), input: "registry-kinds.yaml"},
		// With a mirror, only the mirror (and excluded images) may be pulled
		// after the rewrite: an image the rewrite left alone fails.
		{name: "registry-enforce-only-mirror", args: []string{"render", "--mode", "enforce", "--no-builtin",
			"-p", "../../policies/registry/restrict-image-registries", "--registry", "registry.local"},
			input: "registry-kinds.yaml", code: 1},
		{name: "registry-allowed-by-user", args: withArgs(render, "--registry", "registry.local",
			"--set", "preadmit.allowedRegistries=registry.local/* | quay.io/*", "--registry-exclude", "registry.corp.example/*"),
			input: "registry-kinds.yaml", noGolden: true},
		{name: "registry-builtin-library", args: []string{"render", "--mode", "audit", "--registry", "registry.local"},
			input: "demo-app.yaml", noGolden: true},
		{name: "error-registry-scheme", args: withArgs(render, "--registry", "https://registry.local"), input: "registry-kinds.yaml", code: 2},
		{name: "error-registry-no-host", args: withArgs(render, "--registry", "mirror"), input: "registry-kinds.yaml", code: 2},
		{name: "error-registry-exclude-alone", args: withArgs(render, "--registry-exclude", "x/*"), input: "registry-kinds.yaml", code: 2},
		{name: "error-set-malformed", args: withArgs(render, "--set", "preadmit.registry"), input: "registry-kinds.yaml", code: 2},
		{name: "error-values-file-kind", args: withArgs(render, "--values-file", "testdata/values/org-settings.yaml"), input: "registry-kinds.yaml", code: 2},
		{name: "error-values-file-missing", args: withArgs(render, "--values-file", "testdata/values/nope.yaml"), input: "registry-kinds.yaml", code: 2},
	})
}

// TestExternalDataCLI covers what cannot be resolved offline and how the
// Kyverno CLI's inputs stand in for it: an apiCall rule reports an error
// result with the reason and the render still succeeds in audit mode; a
// values file's rule values mock it; --context-file gives ConfigMaps; a
// values file's namespaceSelector gives namespace labels.
func TestExternalDataCLI(t *testing.T) {
	apiCall := []string{"render", "--no-builtin", "-p", "testdata/extra-policies/apicall.yaml"}
	cm := []string{"render", "--no-builtin", "-p", "testdata/extra-policies/team-from-configmap.yaml"}
	ns := []string{"render", "--no-builtin", "-p", "testdata/extra-policies/prod-only.yaml"}
	runCases(t, []cmdTestCase{
		{name: "apicall-audit", args: withArgs(apiCall, "--mode", "audit"), input: "demo-app.yaml", noGolden: true},
		{name: "external-data-audit", args: []string{"render", "--no-builtin", "--mode", "audit", "-p", "testdata/extra-policies/external-data.yaml"},
			input: "demo-app.yaml", noGolden: true},
		{name: "apicall-enforce", args: withArgs(apiCall, "--mode", "enforce"), input: "demo-app.yaml", code: 1},
		{name: "apicall-mocked-audit", args: withArgs(apiCall, "--mode", "audit", "--values-file", "testdata/values/apicall.yaml"),
			input: "demo-app.yaml", noGolden: true},
		{name: "apicall-mocked-enforce", args: withArgs(apiCall, "--mode", "enforce", "--values-file", "testdata/values/apicall.yaml"),
			input: "demo-app.yaml", code: 1},
		{name: "context-file", args: withArgs(cm, "--context-file", "testdata/values/org-settings.yaml"), input: "compliant.yaml"},
		{name: "context-file-missing", args: cm, input: "compliant.yaml", code: 1},
		{name: "namespace-selector", args: withArgs(ns, "--values-file", "testdata/values/namespaces.yaml", "--mode", "audit",
			"--report-file", os.DevNull, "--report-format", "lines"), input: "demo-app.yaml", noGolden: true},
		{name: "namespace-unknown", args: withArgs(ns, "--mode", "audit"), input: "demo-app.yaml", noGolden: true},
	})
}
