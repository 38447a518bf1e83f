package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	fluxkustomize "github.com/fluxcd/pkg/apis/kustomize"
	"sigs.k8s.io/kustomize/api/builtins" //nolint:staticcheck // kustomize-controller applies commonMetadata with this plugin; kustomize API v1, which drops it, is not out
	"sigs.k8s.io/kustomize/api/krusty"
	"sigs.k8s.io/kustomize/api/provider"
	"sigs.k8s.io/kustomize/api/resmap"
	kustypes "sigs.k8s.io/kustomize/api/types"
	"sigs.k8s.io/kustomize/kyaml/filesys"
	"sigs.k8s.io/kustomize/kyaml/kio"
	kyaml "sigs.k8s.io/kustomize/kyaml/yaml"
	sigsyaml "sigs.k8s.io/yaml"

	"github.com/preadmit/preadmit/internal/flux"
)

// TestFluxPostRenderers: the spec fragment for a small chart with the
// registry rewrite (stdout golden), its notes on stderr.
func TestFluxPostRenderers(t *testing.T) {
	var stdout, stderr bytes.Buffer
	code := run(context.Background(), []string{"flux", "postrenderers", "--registry", "mirror.corp.example", "testdata/flux/rendered.yaml"}, nil, &stdout, &stderr)
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	t.Chdir("testdata/flux")
	krmGolden(t, "postrenderers.yaml", stdout.Bytes())
	krmGolden(t, "postrenderers.stderr.txt", stderr.Bytes())
	for _, want := range []string{"Helm 4", "postRenderStrategy", "not expressible: validation", "not expressible: conditions", "hooks:", "Job shop-seed"} {
		if !strings.Contains(stderr.String(), want) || !strings.Contains(stdout.String(), strings.Fields(want)[0]) {
			t.Errorf("the notes lack %q", want)
		}
	}
	if strings.Contains(stderr.String(), "not reproduced") {
		t.Errorf("the post-renderers do not reproduce the render:\n%s", stderr.String())
	}
}

// TestFluxHelmRelease patches a HelmRelease in place, twice: the first run
// adds preadmit's entry after the team's own and keeps every comment; the
// second leaves the file as the first wrote it.
func TestFluxHelmRelease(t *testing.T) {
	dir := t.TempDir()
	hr := filepath.Join(dir, "helmrelease.yaml")
	krmWrite(t, hr, krmRead(t, "testdata/flux/helmrelease.yaml"))
	args := []string{"flux", "postrenderers", "--registry", "mirror.corp.example", "--helmrelease", hr, "testdata/flux/rendered.yaml"}
	for i := 0; i < 2; i++ {
		var stdout, stderr bytes.Buffer
		if code := run(context.Background(), args, nil, &stdout, &stderr); code != 0 {
			t.Fatalf("run %d: exit %d\n%s", i, code, stderr.String())
		}
		if stdout.Len() != 0 {
			t.Errorf("run %d wrote to stdout with --helmrelease:\n%s", i, stdout.String())
		}
		got := krmRead(t, hr)
		if i == 0 {
			wd, _ := os.Getwd()
			t.Chdir("testdata/flux")
			krmGolden(t, "helmrelease.patched.yaml", []byte(got))
			t.Chdir(wd)
		} else if want := krmRead(t, "testdata/flux/helmrelease.patched.yaml"); got != want {
			t.Errorf("a second run changed the file:\n%s", got)
		}
		for _, keep := range []string{"# The shop release, reconciled by Flux.", "interval: 10m # keep this comment", "# the team's own post-renderer stays", "path: /metadata/annotations/team", "postRenderStrategy: combined"} {
			if !strings.Contains(got, keep) {
				t.Errorf("run %d lost %q", i, keep)
			}
		}
	}
}

// TestFluxParity applies the exported post-renderers to every corpus render
// with kustomize's Go API, as helm-controller does (a kustomization of the
// chart's output with the patches and images, then commonMetadata labels
// on metadata), and compares the result with "preadmit render".
//
// Expressible, and so compared: the embedded mutations add-default-
// securitycontext, add-default-resources and add-default-labels, and
// mirror-images (here with registry.local). The validations change no
// manifest; they are run in audit mode so every chart renders.
func TestFluxParity(t *testing.T) {
	charts, _ := filepath.Glob("/work/shared/corpus/charts/*.yaml")
	if len(charts) == 0 {
		t.Skip("no corpus at /work/shared/corpus/charts")
	}
	policy := []string{"--mode", "audit", "-p", "testdata/flux/mirror-images-registry-local.yaml"}
	for _, chart := range charts {
		t.Run(filepath.Base(chart), func(t *testing.T) {
			in := krmRead(t, chart)
			var want, export, stderr bytes.Buffer
			if code := run(context.Background(), append([]string{"render", "--tty", "never"}, policy...), strings.NewReader(in), &want, &stderr); code != 0 {
				t.Fatalf("render: exit %d\n%s", code, stderr.String())
			}
			if code := run(context.Background(), append([]string{"flux", "postrenderers"}, policy...), strings.NewReader(in), &export, &stderr); code != 0 {
				t.Fatalf("flux postrenderers: exit %d\n%s", code, stderr.String())
			}
			if strings.Contains(stderr.String(), "not reproduced") {
				t.Errorf("gaps reported:\n%s", stderr.String())
			}
			var spec struct {
				Spec struct {
					PostRenderers []struct {
						Kustomize struct {
							Patches []fluxkustomize.Patch `json:"patches"`
							Images  []fluxkustomize.Image `json:"images"`
						} `json:"kustomize"`
					} `json:"postRenderers"`
					CommonMetadata struct {
						Labels map[string]string `json:"labels"`
					} `json:"commonMetadata"`
					PostRenderStrategy string `json:"postRenderStrategy"`
				} `json:"spec"`
			}
			if err := sigsyaml.UnmarshalStrict(export.Bytes(), &spec); err != nil {
				t.Fatalf("the export is not a HelmRelease spec: %v\n%s", err, export.String())
			}
			if len(spec.Spec.PostRenderers) != 1 || len(spec.Spec.PostRenderers[0].Kustomize.Patches) == 0 {
				t.Fatalf("want one kustomize post-renderer with patches:\n%s", export.String())
			}
			if !strings.Contains(export.String(), "newName: registry.local/") {
				t.Errorf("no images entry for the mirror:\n%s", export.String())
			}
			var out []byte
			for _, group := range fluxStreams(t, in, spec.Spec.PostRenderStrategy) {
				for _, pr := range spec.Spec.PostRenderers {
					group = fluxKustomize(t, group, pr.Kustomize.Patches, pr.Kustomize.Images)
				}
				out = append(out, "---\n"...)
				out = append(out, fluxCommonLabels(t, group, spec.Spec.CommonMetadata.Labels)...)
			}
			krmCompare(t, fluxNormalize(krmManifests(t, want.String())), fluxNormalize(krmManifests(t, string(out))))
		})
	}
}

// fluxStreams splits a chart's output as Helm 4 hands it to
// helm-controller's post-renderers under the strategy: under separate, the
// hooks (helm.sh/hook) and then the other resources; else all in one.
func fluxStreams(t *testing.T, manifests, strategy string) [][]byte {
	t.Helper()
	if strategy != "separate" {
		return [][]byte{[]byte(manifests)}
	}
	nodes, err := kio.ParseAll(manifests)
	if err != nil {
		t.Fatal(err)
	}
	var hooks, others []*kyaml.RNode
	for _, n := range nodes {
		if _, ok := n.GetAnnotations("helm.sh/hook")["helm.sh/hook"]; ok {
			hooks = append(hooks, n)
		} else {
			others = append(others, n)
		}
	}
	var out [][]byte
	for _, g := range [][]*kyaml.RNode{hooks, others} {
		if len(g) == 0 {
			continue
		}
		s, err := kio.StringAll(g)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, []byte(s))
	}
	return out
}

// fluxKustomize is helm-controller's Kustomize post-renderer
// (internal/postrender/kustomize.go): the manifests as the only resource of
// an in-memory kustomization with the patches and images, built by krusty
// without plugins.
func fluxKustomize(t *testing.T, manifests []byte, patches []fluxkustomize.Patch, images []fluxkustomize.Image) []byte {
	t.Helper()
	fs := filesys.MakeFsInMemory()
	cfg := kustypes.Kustomization{Resources: []string{"helm-output.yaml"}}
	cfg.APIVersion, cfg.Kind = kustypes.KustomizationVersion, kustypes.KustomizationKind
	for _, im := range images {
		cfg.Images = append(cfg.Images, kustypes.Image{Name: im.Name, NewName: im.NewName, NewTag: im.NewTag, Digest: im.Digest})
	}
	for _, p := range patches {
		kp := kustypes.Patch{Patch: p.Patch}
		if s := p.Target; s != nil {
			kp.Target = &kustypes.Selector{LabelSelector: s.LabelSelector, AnnotationSelector: s.AnnotationSelector}
			kp.Target.Gvk.Group, kp.Target.Gvk.Version, kp.Target.Gvk.Kind = s.Group, s.Version, s.Kind
			kp.Target.Name, kp.Target.Namespace = s.Name, s.Namespace
		}
		cfg.Patches = append(cfg.Patches, kp)
	}
	kb, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if err := fs.WriteFile("helm-output.yaml", manifests); err != nil {
		t.Fatal(err)
	}
	if err := fs.WriteFile("kustomization.yaml", kb); err != nil {
		t.Fatal(err)
	}
	rm, err := krusty.MakeKustomizer(&krusty.Options{LoadRestrictions: kustypes.LoadRestrictionsNone, PluginConfig: kustypes.DisabledPluginConfig()}).Run(fs, ".")
	if err != nil {
		t.Fatalf("kustomize: %v", err)
	}
	out, err := rm.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// fluxCommonLabels is helm-controller's commonMetadata labels
// (internal/postrender/transformer.go): metadata/labels of every resource.
func fluxCommonLabels(t *testing.T, manifests []byte, labels map[string]string) []byte {
	t.Helper()
	if len(labels) == 0 {
		return manifests
	}
	rm, err := resmap.NewFactory(provider.NewDefaultDepProvider().GetResourceFactory()).NewResMapFromBytes(manifests)
	if err != nil {
		t.Fatal(err)
	}
	lt := &builtins.LabelTransformerPlugin{Labels: labels, FieldSpecs: []kustypes.FieldSpec{{Path: "metadata/labels", CreateIfNotPresent: true}}}
	if err := lt.Transform(rm); err != nil {
		t.Fatal(err)
	}
	out, err := rm.AsYaml()
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// fluxNormalize normalizes every resource as the Flux export compares them.
func fluxNormalize(m map[string]interface{}) map[string]interface{} {
	for _, v := range m {
		if obj, ok := v.(map[string]interface{}); ok {
			flux.Normalize(obj)
		}
	}
	return m
}

// TestFluxStrategies: spec.postRenderStrategy in the export. A chart whose
// hooks the mutations change gets combined (Helm 4's default, pinned against
// helm-controller's UseHelm3Defaults gate); one whose hook is also a template
// gets separate, as one kustomize run rejects the duplicate. A HelmRelease
// that sets its own keeps it: nohooks with a warning naming the hooks that
// escape. Each output is a golden file.
func TestFluxStrategies(t *testing.T) {
	tests := []struct {
		name, input, helmrelease, golden string
		want, notWant                    string // in the output
		stderr                           string
	}{
		{name: "hook changed", input: "rendered.yaml", golden: "postrenderers.yaml",
			want: "\n  postRenderStrategy: combined\n", stderr: "note: hooks: the mutations change Helm hooks (Job shop-seed); postRenderStrategy: combined is set"},
		{name: "hook is also a template", input: "rendered-shared.yaml", golden: "shared.postrenderers.yaml",
			want: "\n  postRenderStrategy: separate\n", stderr: "note: hooks: postRenderStrategy: separate is set, so that helm-controller post-renders the hooks in a kustomize run of their own: these hooks are also templates of the chart (ServiceAccount shop)"},
		{name: "HelmRelease sets none", input: "rendered.yaml", helmrelease: "helmrelease-unset.yaml", golden: "helmrelease-unset.patched.yaml",
			want: "\n  postRenderStrategy: combined\n", stderr: "postRenderStrategy: combined is set"},
		{name: "HelmRelease sets nohooks", input: "rendered.yaml", helmrelease: "helmrelease-nohooks.yaml", golden: "helmrelease-nohooks.patched.yaml",
			want: "\n  postRenderStrategy: nohooks # the team's own choice\n", notWant: "postRenderStrategy: combined\n",
			stderr: "warning: hooks escape the post-renderers: the HelmRelease sets postRenderStrategy: nohooks, so helm-controller applies these hooks as the chart renders them, without the mutations: Job shop-seed."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			args := []string{"flux", "postrenderers", "--registry", "mirror.corp.example", filepath.Join("testdata/flux", tt.input)}
			var hr string
			if tt.helmrelease != "" {
				hr = filepath.Join(t.TempDir(), "helmrelease.yaml")
				krmWrite(t, hr, krmRead(t, filepath.Join("testdata/flux", tt.helmrelease)))
				args = append(args, "--helmrelease", hr)
			}
			var stdout, stderr bytes.Buffer
			if code := run(context.Background(), args, nil, &stdout, &stderr); code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr.String())
			}
			got := stdout.String()
			if hr != "" {
				got = krmRead(t, hr)
			}
			if !strings.Contains(got, tt.want) || (tt.notWant != "" && strings.Contains(got, tt.notWant)) {
				t.Errorf("the output lacks %q (or has %q):\n%s", tt.want, tt.notWant, got)
			}
			if !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr lacks %q:\n%s", tt.stderr, stderr.String())
			}
			if strings.Contains(stderr.String(), "not reproduced") {
				t.Errorf("the post-renderers do not reproduce the render:\n%s", stderr.String())
			}
			wd, _ := os.Getwd()
			t.Chdir("testdata/flux")
			krmGolden(t, tt.golden, []byte(got))
			t.Chdir(wd)
		})
	}
}
