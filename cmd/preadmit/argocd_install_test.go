package main

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/yaml"
)

// sidecarContainer is what a CMP sidecar needs, as Argo CD documents it.
type sidecarContainer struct {
	Name            string   `json:"name"`
	Image           string   `json:"image"`
	Command         []string `json:"command"`
	SecurityContext struct {
		RunAsUser    *int64 `json:"runAsUser"`
		RunAsNonRoot *bool  `json:"runAsNonRoot"`
	} `json:"securityContext"`
	VolumeMounts []struct {
		Name      string `json:"name"`
		MountPath string `json:"mountPath"`
		SubPath   string `json:"subPath"`
	} `json:"volumeMounts"`
}

type podVolume struct {
	Name      string                 `json:"name"`
	ConfigMap *struct{ Name string } `json:"configMap"`
	EmptyDir  *struct{}              `json:"emptyDir"`
}

// checkSidecar checks the sidecar runs argocd-cmp-server as user 999 with
// the shared var-files and plugins volumes, plugin.yaml from the
// ConfigMap key configKey, and a /tmp of its own; it returns the name of
// the ConfigMap.
func checkSidecar(t *testing.T, c sidecarContainer, volumes []podVolume, configKey string) string {
	t.Helper()
	if !reflect.DeepEqual(c.Command, []string{"/var/run/argocd/argocd-cmp-server"}) {
		t.Errorf("sidecar command %q, want [/var/run/argocd/argocd-cmp-server]", c.Command)
	}
	if u := c.SecurityContext.RunAsUser; u == nil || *u != 999 {
		t.Errorf("sidecar runAsUser %v, want 999", u)
	}
	byName := map[string]podVolume{}
	for _, v := range volumes {
		byName[v.Name] = v
	}
	mounts := map[string]string{}
	configMap := ""
	for _, m := range c.VolumeMounts {
		mounts[m.MountPath] = m.Name
		if m.MountPath == "/home/argocd/cmp-server/config/plugin.yaml" {
			if m.SubPath != configKey {
				t.Errorf("plugin.yaml mounted from key %q, want %q", m.SubPath, configKey)
			}
			if v, ok := byName[m.Name]; ok && v.ConfigMap != nil {
				configMap = v.ConfigMap.Name
			}
		}
	}
	for path, volume := range map[string]string{"/var/run/argocd": "var-files", "/home/argocd/cmp-server/plugins": "plugins"} {
		if mounts[path] != volume {
			t.Errorf("sidecar mounts %q at %s, want volume %q", mounts[path], path, volume)
		}
	}
	if configMap == "" {
		t.Errorf("no ConfigMap volume mounted at /home/argocd/cmp-server/config/plugin.yaml")
	}
	if tmp, ok := byName[mounts["/tmp"]]; !ok || tmp.EmptyDir == nil || tmp.Name == "tmp" {
		t.Errorf("sidecar /tmp is %q, want an emptyDir of its own (not the repo-server's tmp)", mounts["/tmp"])
	}
	return configMap
}

// TestArgoCDInstall checks the two ways plugins/argocd installs the
// sidecar: the argo-cd chart's values (configs.cmp.plugins.preadmit equals
// plugin.yaml's spec, the extra container mounts it) and the kustomize
// Component, built with the real kustomize on a stand-in repo-server.
func TestArgoCDInstall(t *testing.T) {
	var plugin struct {
		Spec map[string]any `json:"spec"`
	}
	b, err := os.ReadFile(filepath.Join(argocdPluginDir, "plugin.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := yaml.Unmarshal(b, &plugin); err != nil {
		t.Fatal(err)
	}

	t.Run("argo-cd-chart-values", func(t *testing.T) {
		var values struct {
			Configs struct {
				CMP struct {
					Create  bool                      `json:"create"`
					Plugins map[string]map[string]any `json:"plugins"`
				} `json:"cmp"`
			} `json:"configs"`
			RepoServer struct {
				ExtraContainers []sidecarContainer `json:"extraContainers"`
				Volumes         []podVolume        `json:"volumes"`
			} `json:"repoServer"`
		}
		vb, err := os.ReadFile(filepath.Join(argocdPluginDir, "argo-cd-values.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		if err := yaml.Unmarshal(vb, &values); err != nil {
			t.Fatal(err)
		}
		if !values.Configs.CMP.Create {
			t.Errorf("configs.cmp.create is false: the chart would not write argocd-cmp-cm")
		}
		if got := values.Configs.CMP.Plugins["preadmit"]; !reflect.DeepEqual(got, plugin.Spec) {
			t.Errorf("configs.cmp.plugins.preadmit differs from plugin.yaml's spec:\n%v\n%v", got, plugin.Spec)
		}
		if len(values.RepoServer.ExtraContainers) != 1 {
			t.Fatalf("%d repoServer.extraContainers, want 1", len(values.RepoServer.ExtraContainers))
		}
		// The chart names the ConfigMap argocd-cmp-cm and each plugin's key <name>.yaml.
		if cm := checkSidecar(t, values.RepoServer.ExtraContainers[0], values.RepoServer.Volumes, "preadmit.yaml"); cm != "argocd-cmp-cm" {
			t.Errorf("plugin.yaml comes from ConfigMap %q, want the chart's argocd-cmp-cm", cm)
		}
	})

	t.Run("kustomize-component", func(t *testing.T) {
		kustomize := toolBinary(t, "KUSTOMIZE_BIN", "kustomize")
		res := runTool(t, nil, kustomize, "build", filepath.Join("testdata", "argocd", "install"))
		if res.code != 0 {
			t.Fatalf("kustomize build: exit %d\n%s", res.code, res.stderr)
		}
		var configMaps = map[string]map[string]string{}
		var deploy struct {
			Spec struct {
				Template struct {
					Spec struct {
						Containers []sidecarContainer `json:"containers"`
						Volumes    []podVolume        `json:"volumes"`
					} `json:"spec"`
				} `json:"template"`
			} `json:"spec"`
		}
		for _, doc := range strings.Split(res.stdout, "\n---\n") {
			var obj struct {
				Kind     string `json:"kind"`
				Metadata struct {
					Name string `json:"name"`
				} `json:"metadata"`
				Data map[string]string `json:"data"`
			}
			if err := yaml.Unmarshal([]byte(doc), &obj); err != nil {
				t.Fatal(err)
			}
			switch obj.Kind {
			case "ConfigMap":
				configMaps[obj.Metadata.Name] = obj.Data
			case "Deployment":
				if err := yaml.Unmarshal([]byte(doc), &deploy); err != nil {
					t.Fatal(err)
				}
			}
		}
		var sidecar *sidecarContainer
		for i, c := range deploy.Spec.Template.Spec.Containers {
			if c.Name == "preadmit" {
				sidecar = &deploy.Spec.Template.Spec.Containers[i]
			}
		}
		if sidecar == nil || len(deploy.Spec.Template.Spec.Containers) != 2 {
			t.Fatalf("the repo-server has no preadmit sidecar next to its own container:\n%s", res.stdout)
		}
		cm := checkSidecar(t, *sidecar, deploy.Spec.Template.Spec.Volumes, "plugin.yaml")
		if got := configMaps[cm]["plugin.yaml"]; got != string(b) {
			t.Errorf("ConfigMap %q holds plugin.yaml as\n%s\nwant plugins/argocd/plugin.yaml", cm, got)
		}
	})
}
