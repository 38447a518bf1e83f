package stream

import (
	"bytes"
	"fmt"
	"io"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Write writes the documents back: untouched ones as their original bytes,
// changed ones encoded again. It writes into a buffer first so that a failure
// leaves w untouched (a post-renderer never emits partial output).
func Write(w io.Writer, docs []*Document) error {
	var buf bytes.Buffer
	for _, d := range docs {
		if err := d.writeTo(&buf); err != nil {
			return err
		}
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// Bytes returns what Write would write.
func Bytes(docs []*Document) ([]byte, error) {
	var buf bytes.Buffer
	err := Write(&buf, docs)
	return buf.Bytes(), err
}

func (d *Document) writeTo(buf *bytes.Buffer) error {
	buf.Write(d.Separator)
	if !d.Changed || d.Node == nil {
		buf.Write(d.Raw)
		return nil
	}
	out, err := Encode(d.Node.YNode(), yaml.DeriveSeqIndentStyle(string(d.Raw)))
	if err != nil {
		return fmt.Errorf("document %d: encode: %w", d.Index, err)
	}
	buf.Write(out)
	return nil
}

// Encode encodes one node as kyaml writes documents: two-space indent, and the
// sequence indentation style ("compact" or "wide", see
// yaml.DeriveSeqIndentStyle) the document was written with, so a changed
// document still looks like the chart that produced it.
func Encode(n *yamlv3.Node, seqIndent string) ([]byte, error) {
	var buf bytes.Buffer
	enc := yaml.NewEncoderWithOptions(&buf, &yaml.EncoderOptions{SeqIndent: yaml.SequenceIndentStyle(seqIndent)})
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
