package policies

import (
	"io/fs"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/stream"
)

// Every Kyverno document of the library (policies and their test files'
// exceptions) is valid against Kyverno's CRD schemas, as kubectl apply
// with strict field validation would find it: the loader does not check
// the embedded library at each start (policy.LoadFS), this test does.
func TestLibrarySchema(t *testing.T) {
	checked := 0
	err := fs.WalkDir(FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".yaml") && !strings.HasSuffix(p, ".yml") {
			return err
		}
		b, err := fs.ReadFile(FS, p)
		if err != nil {
			return err
		}
		docs, err := stream.Read(b, stream.DefaultLimits)
		if err != nil {
			t.Errorf("%s: %v", p, err)
			return nil
		}
		for _, doc := range docs {
			if doc.Node == nil || doc.Node.YNode().Kind != yaml.MappingNode || !strings.Contains(doc.Node.GetApiVersion(), "kyverno.io/") {
				continue
			}
			checked++
			for _, e := range policy.CheckSchema(p, doc.Node) {
				t.Error(e)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if checked < 20 {
		t.Fatalf("checked %d Kyverno documents; the library has more", checked)
	}
}
