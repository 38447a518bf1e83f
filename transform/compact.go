package transform

import (
	"bytes"
	"errors"

	"github.com/preadmit/preadmit/transform/exception"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/stream"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// A compact render (Options.Compact) never holds the trees of the whole
// stream: documents are parsed, rendered and encoded batch by batch, and
// only their bytes are kept. What the stream itself gives every document's
// render must still be known before the first one renders: its
// PolicyExceptions, and the ConfigMaps and Namespaces rules read. A byte
// search finds the documents that can be those (their kind is in their
// text), and only they are parsed ahead.
//
// A document that does not parse, ahead or in its batch, ends the compact
// render with errReparse: Render reads the stream the whole-stream way for
// nothing but the error, which it reports as always (its line counted in
// the whole stream, the first such document in stream order), and renders
// nothing again. Only what would change every document's render falls back
// to rendering the whole stream again (errFallback): a document the byte
// search missed that is input to the render after all (a kind spelled with
// escapes or an alias), or an unusable PolicyException among those parsed
// ahead, which the whole-stream path reports after any parse error.

// errFallback makes Render start again on the whole-stream path.
var errFallback = errors.New("compact render: fall back to the whole stream")

// errReparse makes Render read the stream again for its parse error.
var errReparse = errors.New("compact render: a document does not parse")

func (e *run) renderCompact(in []byte) (*Output, error) {
	if len(bytes.TrimSpace(in)) == 0 {
		return nil, errReparse // stream.Read reports it
	}
	docs := stream.Split(in)
	var ahead []*stream.Document
	for _, d := range docs {
		if !e.maybeStreamInput(d.Raw) {
			continue
		}
		if err := d.Parse(e.opts.Limits); err != nil {
			return nil, errReparse
		}
		ahead = append(ahead, d)
	}
	inStream, keptAhead, err := e.streamExceptions(ahead)
	if err != nil {
		return nil, errFallback
	}
	keep := docs
	if consumed := len(ahead) - len(keptAhead); consumed > 0 {
		kept := make(map[*stream.Document]bool, len(keptAhead))
		for _, d := range keptAhead {
			kept[d] = true
		}
		keep = make([]*stream.Document, 0, len(docs)-consumed)
		for _, d := range docs {
			if kept[d] || !d.Parsed() {
				keep = append(keep, d)
			}
		}
	}
	e.startExceptions(inStream)
	e.collectConfigMaps(keptAhead)
	e.collectNamespaces(keptAhead)
	if e.cel != nil && (e.cel.err != nil || len(e.cel.rules) > 0) {
		// The stream ships admission policies: they read the whole
		// stream (its Namespaces) on the whole-stream path, which also
		// reports one that does not compile.
		return nil, errFallback
	}
	return e.renderAll(keep, true)
}

// maybeStreamInput reports whether a document's text names a kind the
// render reads from the stream itself.
func (e *Engine) maybeStreamInput(raw []byte) bool {
	return bytes.Contains(raw, []byte(exception.Kind)) ||
		(e.readsConfigMaps && bytes.Contains(raw, []byte("ConfigMap"))) ||
		(e.readsNamespaces && bytes.Contains(raw, []byte("Namespace"))) || e.celStreamInput(raw) ||
		bytes.Contains(raw, []byte("AdmissionPolicy")) // validating and mutating, and their bindings
}

// parseLate parses a document of a compact render in its batch. One the
// byte search passed over must not be input to the render after all
// (errFallback); one that does not parse ends the render (errReparse).
func (e *run) parseLate(d *stream.Document) error {
	ahead := d.Parsed()
	if err := d.Parse(e.opts.Limits); err != nil {
		return errReparse
	}
	if d.Node == nil || ahead {
		return nil
	}
	kind := yamlnode.Scalar(yamlnode.Field(d.Node.YNode(), "kind"))
	if exception.IsException(d.Node) || (kind == "ConfigMap" && e.readsConfigMaps) ||
		(kind == "Namespace" && e.readsNamespaces) || e.celStreamKind(kind) || policy.IsAdmissionDocument(d.Node) {
		return errFallback
	}
	return nil
}
