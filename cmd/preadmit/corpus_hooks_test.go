package main

import (
	"testing"

	"github.com/preadmit/preadmit/internal/corpus"
	"github.com/preadmit/preadmit/transform/stream"
)

// TestCorpusHooks renders the hooks of every corpus chart the three ways a
// post-renderer meets them: inside the whole render (Helm 4's "combined"
// strategy, and preadmit helm), as a stream of hooks alone, and one hook at
// a time (Helm 4's "separate" strategy). A hook must come out the same
// bytes every way, with the built-in defaults applied: what a hook gets
// must not depend on how Helm hands it over.
func TestCorpusHooks(t *testing.T) {
	for _, h := range corpus.Hooks(t) {
		t.Run(h.Name, func(t *testing.T) {
			hooks := splitDocs(t, h.Data)
			if len(hooks) == 0 {
				t.Fatal("no hook documents")
			}
			full := runCmd(t, []string{"render", "--mode", "audit"}, h.Full, nil)
			if full.code != 0 {
				t.Fatalf("full render: exit %d:\n%s", full.code, full.stderr)
			}
			combined := hookDocs(t, splitDocs(t, h.Full), splitDocs(t, []byte(full.stdout)))
			if len(combined) != len(hooks) {
				t.Fatalf("the full render has %d hook documents, hooks/%s.yaml has %d", len(combined), h.Name, len(hooks))
			}
			alone := runCmd(t, []string{"render", "--mode", "audit"}, h.Data, nil)
			if alone.code != 0 {
				t.Fatalf("hooks alone: exit %d:\n%s", alone.code, alone.stderr)
			}
			outs := splitDocs(t, []byte(alone.stdout))
			assertSameDocuments(t, hooks, outs)
			for i, hook := range hooks {
				if !isHook(hook) {
					t.Errorf("hooks/%s.yaml doc %d (%s) has no helm.sh/hook annotation", h.Name, i, docName(hook))
				}
				if string(hook.Raw) != string(combined[i].in.Raw) {
					t.Errorf("doc %d (%s) is not byte for byte the hook of the full render", i, docName(hook))
				}
				want := string(combined[i].out.Raw)
				if got := string(outs[i].Raw); got != want {
					t.Errorf("doc %d (%s): rendered with the other hooks differs from rendered in the whole chart:\n%s\nwant:\n%s", i, docName(hook), got, want)
				}
				one := runCmd(t, []string{"render", "--mode", "audit"}, hook.Raw, nil)
				if one.code != 0 {
					t.Fatalf("doc %d alone: exit %d:\n%s", i, one.code, one.stderr)
				}
				if got := splitDocs(t, []byte(one.stdout)); len(got) != 1 || string(got[0].Raw) != want {
					t.Errorf("doc %d (%s): rendered alone differs from rendered in the whole chart:\n%s", i, docName(hook), one.stdout)
				}
				assertDefaults(t, hook, outs[i])
			}
		})
	}
}

type docPair struct{ in, out *stream.Document }

// hookDocs pairs each hook document of a render's input with its output.
func hookDocs(t *testing.T, in, out []*stream.Document) []docPair {
	t.Helper()
	assertSameDocuments(t, in, out)
	var pairs []docPair
	for i := range in {
		if isHook(in[i]) {
			pairs = append(pairs, docPair{in[i], out[i]})
		}
	}
	return pairs
}

func isHook(d *stream.Document) bool {
	if d.Node == nil {
		return false
	}
	_, ok := d.Node.GetAnnotations()["helm.sh/hook"]
	return ok
}
