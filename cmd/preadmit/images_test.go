package main

import (
	"slices"
	"strings"
	"testing"
)

// TestImagesCLI runs "preadmit images" end to end in every format, from
// stdin and from files, with the mirror settings of render.
func TestImagesCLI(t *testing.T) {
	runCases(t, []cmdTestCase{
		{name: "images", args: []string{"images"}, input: "registry-kinds.yaml"},
		{name: "images-registry", args: []string{"images", "--registry", "registry.local"}, input: "registry-kinds.yaml"},
		{name: "images-registry-normalize", args: []string{"images", "--registry", "registry.local", "--registry-normalize"}, input: "registry-kinds.yaml"},
		{name: "images-registry-exclude", args: []string{"images", "--registry", "registry.local",
			"--registry-exclude", "registry.corp.example/*,localhost:5000/*"}, input: "registry-kinds.yaml"},
		{name: "images-values-file", args: []string{"images", "--values-file", "testdata/values/registry.yaml"}, input: "registry-kinds.yaml"},
		{name: "images-env", args: []string{"images"}, input: "registry-kinds.yaml", env: map[string]string{"PREADMIT_REGISTRY": "registry.local"}},
		{name: "images-json", args: []string{"images", "-o", "json", "--registry", "registry.local"}, input: "registry-kinds.yaml"},
		{name: "images-skopeo", args: []string{"images", "-o", "skopeo", "--registry", "registry.local", "--registry-normalize"}, input: "registry-kinds.yaml"},
		// The default layout is not skopeo's: each differing image is a warning.
		{name: "images-skopeo-as-written", args: []string{"images", "-o", "skopeo", "--registry", "registry.local"}, input: "registry-kinds.yaml"},
		{name: "images-crane", args: []string{"images", "-o", "crane", "--registry", "registry.local"}, input: "registry-kinds.yaml"},
		{name: "images-image-path", args: []string{"images", "--image-path", "Prometheus:spec.image", "--image-path", "ConfigMap:data.image"}, input: "registry-kinds.yaml"},
		{name: "images-files", args: []string{"images", "testdata/input/compliant.yaml", "testdata/input/demo-app.yaml"}},
		{name: "images-list-kind", args: []string{"images"}, input: "list.yaml"},
		{name: "images-no-images", args: []string{"images"}, input: "passthrough.yaml"},
		{name: "error-images-crane-no-registry", args: []string{"images", "-o", "crane"}, input: "registry-kinds.yaml", code: 2},
		{name: "error-images-format", args: []string{"images", "-o", "xml"}, input: "registry-kinds.yaml", code: 2},
		{name: "error-images-image-path", args: []string{"images", "--image-path", "spec.image"}, input: "registry-kinds.yaml", code: 2},
		{name: "error-images-empty", args: []string{"images"}, input: "", code: 2},
		{name: "error-images-malformed", args: []string{"images"}, input: "malformed.yaml", code: 2},
		{name: "error-images-bad-reference", args: []string{"images"}, input: "bad-image.yaml", code: 2},
		{name: "error-images-missing-file", args: []string{"images", "testdata/input/nope.yaml"}, code: 2},
	})
}

// TestImagesAgreeWithRender holds the prediction of "images --registry"
// to what render --registry writes, in both layouts and with excludes,
// over a fixture with every pod template kind.
func TestImagesAgreeWithRender(t *testing.T) {
	in := readInput(t, "registry-kinds.yaml")
	for _, flags := range [][]string{
		{"--registry", "registry.local"},
		{"--registry", "registry.local", "--registry-normalize"},
		{"--registry", "mirror.example:5000/air", "--registry-exclude", "registry.corp.example/*"},
	} {
		t.Run(strings.Join(flags, " "), func(t *testing.T) {
			rendered := runCmd(t, withArgs([]string{"render", "-q"}, flags...), in, nil)
			listed := runCmd(t, withArgs([]string{"images"}, flags...), in, nil)
			if rendered.code != 0 || listed.code != 0 {
				t.Fatalf("exit %d / %d: %s %s", rendered.code, listed.code, rendered.stderr, listed.stderr)
			}
			var predicted []string
			for _, l := range lines(listed.stdout) {
				_, dst, _ := strings.Cut(l, " ")
				predicted = append(predicted, dst)
			}
			got := sortedUnique(containerImages(t, []byte(rendered.stdout)))
			if !slices.Equal(got, sortedUnique(predicted)) {
				t.Errorf("render wrote %q,\nimages predicted %q", got, predicted)
			}
			// The mirror's own listing names only mirrored images, unchanged.
			again := runCmd(t, withArgs([]string{"images"}, flags...), []byte(rendered.stdout), nil)
			for _, l := range lines(again.stdout) {
				src, dst, _ := strings.Cut(l, " ")
				if src != dst {
					t.Errorf("after the rewrite %q would be renamed again to %q", src, dst)
				}
			}
		})
	}
}
