package images

import (
	"errors"
	"testing"
)

func TestRewrite(t *testing.T) {
	asWritten := Mirror{Registry: "registry.local"}
	normal := Mirror{Registry: "registry.local", Normalize: true}
	excl := Mirror{Registry: "mirror:5000/air", Exclude: []string{"registry.corp.example/*", "*/internal/*"}}
	tests := []struct {
		m          Mirror
		image, out string
	}{
		// The README's two examples and the HPE CSM layout: the reference as written.
		{asWritten, "nginx:1.25", "registry.local/nginx:1.25"},
		{asWritten, "quay.io/x/y@sha256:1f2c4e1d0e3b6f0f9b2b4c3d2a1e0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a",
			"registry.local/quay.io/x/y@sha256:1f2c4e1d0e3b6f0f9b2b4c3d2a1e0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a"},
		{asWritten, "nginx", "registry.local/nginx"},
		{asWritten, "registry.local/nginx:1.25", "registry.local/nginx:1.25"},
		{asWritten, "registry.local:5000/nginx:1.25", "registry.local/registry.local_5000/nginx:1.25"},
		{normal, "nginx:1.25", "registry.local/docker.io/library/nginx:1.25"},
		{normal, "nginx", "registry.local/docker.io/library/nginx:latest"},
		{normal, "bitnami/redis:7", "registry.local/docker.io/bitnami/redis:7"},
		{normal, "docker.io/nginx:1.26", "registry.local/docker.io/library/nginx:1.26"},
		{normal, "ghcr.io/a/b:1@sha256:01038e7de14b78d702d2849c3aad72fd25903c4765af63cf16aa3398f5d5f2dd",
			"registry.local/ghcr.io/a/b@sha256:01038e7de14b78d702d2849c3aad72fd25903c4765af63cf16aa3398f5d5f2dd"},
		{normal, "registry.local/docker.io/library/nginx:1.25", "registry.local/docker.io/library/nginx:1.25"},
		{excl, "registry.corp.example/app:1", "registry.corp.example/app:1"},
		{excl, "quay.io/internal/tool:1", "quay.io/internal/tool:1"},
		{excl, "quay.io/public/tool:1", "mirror:5000/air/quay.io/public/tool:1"},
		{Mirror{}, "nginx", "nginx"},
	}
	for _, tt := range tests {
		got, err := tt.m.Rewrite(tt.image)
		if err != nil {
			t.Errorf("%+v.Rewrite(%q): %v", tt.m, tt.image, err)
			continue
		}
		if got != tt.out {
			t.Errorf("%+v.Rewrite(%q) = %q, want %q", tt.m, tt.image, got, tt.out)
		}
	}
	if _, err := normal.Rewrite("NGINX"); err == nil {
		t.Error("normalising an invalid reference succeeded")
	}
}

func TestParseRegistry(t *testing.T) {
	for in, want := range map[string]string{
		"registry.local":           "registry.local",
		"registry.local/":          "registry.local",
		"registry.local:5000/a/b/": "registry.local:5000/a/b",
		"localhost":                "localhost",
		"mirror:5000":              "mirror:5000",
		" 10.0.0.1:5000 ":          "10.0.0.1:5000",
	} {
		got, err := ParseRegistry(in)
		if err != nil || got != want {
			t.Errorf("ParseRegistry(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "/", "mirror", "https://registry.local", "registry.local/a:tag", "registry.local/A", "registry.local@sha256:00", "reg istry.local", "-bad-.local"} {
		_, err := ParseRegistry(in)
		var me *MirrorError
		if !errors.As(err, &me) {
			t.Errorf("ParseRegistry(%q): error %v, want a *MirrorError", in, err)
		}
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"nginx":                      "docker.io/library/nginx:latest",
		"nginx:1.25":                 "docker.io/library/nginx:1.25",
		"library/nginx:1.25":         "docker.io/library/nginx:1.25",
		"docker.io/nginx":            "docker.io/library/nginx:latest",
		"bitnami/redis":              "docker.io/bitnami/redis:latest",
		"localhost/app":              "localhost/app:latest",
		"ghcr.io/kyverno/kyverno:v1": "ghcr.io/kyverno/kyverno:v1",
	} {
		if got, err := Normalize(in); err != nil || got != want {
			t.Errorf("Normalize(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}
