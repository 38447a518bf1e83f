package stream

import (
	"bytes"
	"fmt"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Bytes returns the stream: untouched documents as their original bytes,
// changed ones encoded again (on every CPU), joined in order. Nothing is
// written anywhere until the whole stream is ready, so a failure leaves no
// partial output (a post-renderer must print all or nothing).
func Bytes(docs []*Document) ([]byte, error) {
	encoded := make([][]byte, len(docs))
	err := Each(len(docs), 0, 32, func(i int) error {
		d := docs[i]
		if d.Out != nil {
			encoded[i] = d.Out
			return nil
		}
		if !d.Changed || d.Node == nil {
			return nil
		}
		out, err := Encode(d.Node.YNode(), SeqIndentStyle(d.Raw))
		if err != nil {
			return fmt.Errorf("document %d: encode: %w", d.Index, err)
		}
		encoded[i] = out
		return nil
	})
	if err != nil {
		return nil, err
	}
	size := 0
	for i, d := range docs {
		size += len(d.Separator) + len(d.Raw) + len(encoded[i])
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	for i, d := range docs {
		buf.Write(d.Separator)
		if encoded[i] != nil {
			buf.Write(encoded[i])
		} else {
			buf.Write(d.Raw)
		}
	}
	return buf.Bytes(), nil
}

// Encode encodes one node as kyaml writes documents: two-space indent, and the
// sequence indentation style ("compact" or "wide", see
// SeqIndentStyle) the document was written with, so a changed
// document still looks like the chart that produced it.
func Encode(n *yamlv3.Node, seqIndent string) ([]byte, error) {
	return encodeSized(n, seqIndent, 0)
}

// encodeSized is Encode into a buffer of about size bytes to start with,
// so that encoding a document whose size is known grows it once at most.
func encodeSized(n *yamlv3.Node, seqIndent string, size int) ([]byte, error) {
	buf := bytes.NewBuffer(make([]byte, 0, size))
	enc := yaml.NewEncoderWithOptions(buf, &yaml.EncoderOptions{SeqIndent: yaml.SequenceIndentStyle(seqIndent)})
	if err := enc.Encode(n); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
