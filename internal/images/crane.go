package images

import (
	"bufio"
	"errors"
	"io"
)

// ErrNoMirror is returned by formats that need a mirror to name copies.
var ErrNoMirror = errors.New("-o crane needs --registry: the copies are named after the mirror")

// writeCrane prints one "crane copy SRC DST" per image to copy, a shell
// script that fills the mirror in the layout render --registry expects.
func writeCrane(w io.Writer, s *Set, m Mirror) error {
	if m.Registry == "" {
		return ErrNoMirror
	}
	ims, dst, err := copies(s, m)
	if err != nil {
		return err
	}
	bw := bufio.NewWriter(w)
	for i, im := range ims {
		bw.WriteString("crane copy " + im.Ref + " " + dst[i] + "\n")
	}
	return bw.Flush()
}
