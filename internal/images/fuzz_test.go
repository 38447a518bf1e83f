package images

import (
	"testing"

	"github.com/preadmit/preadmit/transform/stream"
)

// FuzzCollect feeds arbitrary streams through Collect and the writers:
// they may return errors, never panic, and every image listed must be a
// reference the engine's parser accepts.
func FuzzCollect(f *testing.F) {
	f.Add([]byte("apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - image: nginx\n"))
	f.Add([]byte("apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Pod\n  spec: {containers: [{image: &a x}, {image: *a}]}\n"))
	f.Add([]byte("apiVersion: x/v1\nkind: X\nspec:\n  a: [{image: q}]\n"))
	path, _ := ParsePath("X:spec.a[].image")
	f.Fuzz(func(t *testing.T, b []byte) {
		docs, err := stream.Read(b, stream.Limits{MaxNodes: 10000, MaxDepth: 64})
		if err != nil {
			return
		}
		set, err := Collect(docs, []Path{path})
		if err != nil {
			return
		}
		for _, f := range []Format{FormatLines, FormatJSON, FormatSkopeo, FormatCrane} {
			var sink discard
			if err := Write(&sink, f, set, Mirror{Registry: "registry.local", Normalize: true}); err != nil {
				t.Fatalf("%s: %v", f, err)
			}
		}
	})
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }
