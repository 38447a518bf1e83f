package policies

import (
	"reflect"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/policy"
)

// TestLibraryUpToDate fails when library.bin is not what the library's
// files give today: run go generate ./policies.
func TestLibraryUpToDate(t *testing.T) {
	want, err := policy.Preparse(FS, ".", "embedded:policies")
	if err != nil {
		t.Fatalf("the library does not load: %v", err)
	}
	if string(want) != preparsed {
		t.Fatal("policies/library.bin is stale: run go generate ./policies")
	}
}

// TestLibraryAsParsed holds Library, which loads the documents parsed at
// build time, to the Set parsing the library's files gives: the same
// policies, rules, trees (styles, comments, lines) and other documents.
func TestLibraryAsParsed(t *testing.T) {
	want, err := policy.LoadFS(FS, ".", "embedded:policies")
	if err != nil {
		t.Fatal(err)
	}
	got, err := Library(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Policies) == 0 || len(got.Policies) != len(want.Policies) {
		t.Fatalf("%d policies, want %d", len(got.Policies), len(want.Policies))
	}
	for i, p := range got.Policies {
		if !p.Checked {
			t.Errorf("policy %s is not marked Checked", p.Name)
		}
		want.Policies[i].Checked = true // the one difference
	}
	if !reflect.DeepEqual(got, want) {
		for i := range want.Policies {
			if !reflect.DeepEqual(got.Policies[i], want.Policies[i]) {
				t.Errorf("policy %s (%s) differs from the one parsed from its file", want.Policies[i].Name, want.Policies[i].File)
			}
		}
		t.Fatal("Library differs from the library parsed from its files")
	}
	// DeepEqual does not see which nodes are shared: a rule as written is
	// a node of its policy's tree in both, an autogen rule in neither.
	for i, p := range want.Policies {
		for j, r := range p.Rules {
			g := got.Policies[i]
			if inTree(p.Node.YNode(), r.Node.YNode()) != inTree(g.Node.YNode(), g.Rules[j].Node.YNode()) {
				t.Errorf("policy %s rule %s: shared with the policy's tree differently", p.Name, r.Name)
			}
		}
	}
}

func inTree(root, n *yaml.Node) bool {
	if root == n {
		return true
	}
	for _, c := range root.Content {
		if inTree(c, n) {
			return true
		}
	}
	return false
}

// TestPreparsedCorrupt: a truncated or foreign form is an error, not a
// panic or a partial library.
func TestPreparsedCorrupt(t *testing.T) {
	for _, data := range []string{"", "not the form", preparsed[:len(preparsed)/2], preparsed[:len(preparsed)-1], preparsed + "x"} {
		if set, err := policy.LoadPreparsed(data, nil); err == nil {
			t.Errorf("LoadPreparsed of %d bytes: %d policies and no error", len(data), len(set.Policies))
		}
	}
}

// TestLibraryCompiles compiles every rule of the library up front, in every
// mode, as the engine does a user's policies: the engine compiles the
// library's rules only when it first meets a kind they match, trusting
// this test to have found their defects when the binary was built.
func TestLibraryCompiles(t *testing.T) {
	for _, mode := range []transform.Mode{transform.ModePolicy, transform.ModeAudit, transform.ModeWarn, transform.ModeEnforce} {
		set, err := Library(nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range set.Policies {
			p.Checked = false
		}
		if _, err := transform.New(transform.Options{Policies: set.Policies, Mode: mode}); err != nil {
			t.Errorf("mode %q: %v", mode, err)
		}
	}
}
