package stream

import (
	"bufio"
	"bytes"
	"fmt"
	"io"

	yamlv3 "go.yaml.in/yaml/v3"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Bytes returns the stream: untouched documents as their original bytes,
// changed ones encoded again (on every CPU), joined in order. Nothing is
// written anywhere until the whole stream is ready, so a failure leaves no
// partial output (a post-renderer must print all or nothing).
func Bytes(docs []*Document) ([]byte, error) {
	bodies, err := encodeAll(docs)
	if err != nil {
		return nil, err
	}
	size := 0
	for i, d := range docs {
		size += len(d.Separator) + len(bodies[i])
	}
	buf := bytes.NewBuffer(make([]byte, 0, size))
	for i, d := range docs {
		buf.Write(d.Separator)
		buf.Write(bodies[i])
	}
	return buf.Bytes(), nil
}

// Write writes the stream to w as Bytes returns it, without joining it in
// memory first. Every document is encoded before the first byte is
// written, so only w itself can fail half-way: a *WriteError.
func Write(w io.Writer, docs []*Document) (int64, error) {
	bodies, err := encodeAll(docs)
	if err != nil {
		return 0, err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var n int64
	for i, d := range docs {
		a, _ := bw.Write(d.Separator)
		b, _ := bw.Write(bodies[i])
		n += int64(a + b)
	}
	if err := bw.Flush(); err != nil {
		return n, &WriteError{Err: err}
	}
	return n, nil
}

// encodeAll returns what is written for each document: Out once a compact
// render encoded it, a new encoding of a changed tree (on every CPU), or
// else the original bytes.
func encodeAll(docs []*Document) ([][]byte, error) {
	bodies := make([][]byte, len(docs))
	err := Each(len(docs), 0, 32, func(i int) error {
		d := docs[i]
		switch {
		case d.Out != nil:
			bodies[i] = d.Out
		case d.Changed && d.Node != nil:
			out, err := d.encode()
			if err != nil {
				return err
			}
			bodies[i] = out
		default:
			bodies[i] = d.Raw
		}
		return nil
	})
	return bodies, err
}

// encode encodes a changed document's tree as its chart wrote it (see
// Encode), into a buffer sized from the original: a mutation adds a little,
// room for a quarter more.
func (d *Document) encode() ([]byte, error) {
	out, err := encodeSized(d.Node.YNode(), SeqIndentStyle(d.Raw), len(d.Raw)+len(d.Raw)/4+512)
	if err != nil {
		where := fmt.Sprintf("document %d", d.Index)
		if d.Source != "" {
			where += " (" + d.Source + ")"
		}
		return nil, fmt.Errorf("%s: encode: %w", where, err)
	}
	return out, nil
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
