package images

import (
	"bufio"
	"io"
)

// writeLines prints one image per line, or "source mirrored" per line
// with a mirror (an image the rewrite leaves alone shows itself twice).
func writeLines(w io.Writer, s *Set, m Mirror) error {
	bw := bufio.NewWriter(w)
	for _, im := range s.Images {
		bw.WriteString(im.Ref)
		if m.Registry != "" {
			to, err := m.Rewrite(im.Ref)
			if err != nil {
				return err
			}
			bw.WriteString(" " + to)
		}
		bw.WriteByte('\n')
	}
	return bw.Flush()
}
