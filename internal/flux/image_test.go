package flux

import (
	"testing"

	"github.com/fluxcd/pkg/apis/kustomize"
)

func TestImageEntry(t *testing.T) {
	tests := []struct {
		before, after string
		want          kustomize.Image
		ok            bool
	}{
		{"nginx:1.27", "mirror.example/nginx:1.27", kustomize.Image{Name: "nginx", NewName: "mirror.example/nginx"}, true},
		{"ghcr.io/acme/api@sha256:abc", "m.example/ghcr.io/acme/api@sha256:abc", kustomize.Image{Name: "ghcr.io/acme/api", NewName: "m.example/ghcr.io/acme/api"}, true},
		{"localhost:5000/app:1", "localhost:5000/app:2", kustomize.Image{Name: "localhost:5000/app", NewTag: "2"}, true},
		{"nginx:1.27", "nginx", kustomize.Image{Name: "nginx"}, false},
	}
	for _, tt := range tests {
		got, ok := imageEntry(tt.before, tt.after)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("imageEntry(%q, %q) = %+v, %v; want %+v, %v", tt.before, tt.after, got, ok, tt.want, tt.ok)
		}
	}
	if !imageMatches("nginx:1.27", "nginx") || imageMatches("mirror/nginx:1.27", "nginx") || imageMatches("nginx-extra:1", "nginx") {
		t.Error("imageMatches does not follow kustomize's anchored match")
	}
}
