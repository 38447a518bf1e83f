package stream

import (
	"bytes"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// SeqIndentStyle is yaml.DeriveSeqIndentStyle over bytes: the sequence
// indentation ("compact" or "wide") a document was written with, judged by
// its first sequence element under a "key:" line. kyaml's splits the whole
// document into lines for every call; this walks it in place, with the same
// rules (FuzzSeqIndentStyle compares the two).
func SeqIndentStyle(raw []byte) string {
	for start := 0; start < len(raw); {
		end := bytes.IndexByte(raw[start:], '\n')
		next := len(raw) + 1
		if end < 0 {
			end = len(raw)
		} else {
			end += start
			next = end + 1
		}
		line := raw[start:end]
		if style, ok := seqElemStyle(raw, start, line); ok {
			return style
		}
		start = next
	}
	return string(yaml.CompactSequenceStyle)
}

// seqElemStyle judges one line starting at offset start, as an element of
// a sequence: ok is false when the line does not decide.
func seqElemStyle(raw []byte, start int, line []byte) (string, bool) {
	dash := bytes.Index(line, []byte("- "))
	if dash < 0 || len(bytes.Trim(line[:dash], " ")) != 0 {
		return "", false
	}
	key, found := keyLineBefore(raw, start)
	if !found || len(key) == 0 {
		return "", false
	}
	keyIndent := len(key) - len(bytes.TrimLeft(key, " "))
	trimmed := bytes.Trim(key, " ")
	if bytes.Count(trimmed, []byte(":")) != 1 || !bytes.HasSuffix(trimmed, []byte(":")) {
		return "", false
	}
	switch dash - keyIndent {
	case 0:
		return string(yaml.CompactSequenceStyle), true
	case 2:
		return string(yaml.WideSequenceStyle), true
	}
	return "", false
}

// keyLineBefore is the first line before offset start that is not a
// comment, without its trailing comment.
func keyLineBefore(raw []byte, start int) ([]byte, bool) {
	end := start - 1 // the '\n' ending the previous line
	for end >= 0 {
		begin := bytes.LastIndexByte(raw[:end], '\n') + 1
		line := raw[begin:end]
		if !bytes.HasPrefix(bytes.Trim(line, " "), []byte("#")) {
			if i := bytes.IndexByte(line, '#'); i >= 0 {
				line = line[:i]
			}
			return line, true
		}
		end = begin - 1
	}
	return nil, false
}
