package pipeline

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/preadmit/preadmit/transform/report"
)

// StderrReportFile is the --report-file value that means stderr.
const StderrReportFile = "-"

// WriteReportFile writes the full report to path. "-", and a path that is
// this process's own stderr (/dev/stderr, /dev/fd/2, or the file stderr is
// redirected to), go to the stderr stream already open: opening the path
// again would truncate a log that stderr is redirected to, or write over
// it from its start. A path that is this process's stdout, when that is a
// file or a pipe, is refused: the report would be mixed into the
// manifests.
func WriteReportFile(path string, stderr io.Writer, format report.Format, results []report.Result, opts report.Options) error {
	var buf bytes.Buffer
	w, err := report.New(format, &buf, opts)
	if err != nil {
		return err
	}
	for _, r := range results {
		if err := w.Write(r); err != nil {
			return err
		}
	}
	if err := w.Flush(); err != nil {
		return err
	}
	to, err := reportDestination(path, stderr)
	if err != nil {
		return err
	}
	if to != nil {
		if _, err := to.Write(buf.Bytes()); err != nil {
			return fmt.Errorf("writing report to stderr: %w", err)
		}
		return nil
	}
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("writing report: %w", err)
	}
	return nil
}

// ReportFileError reports a --report-file that would corrupt the output.
type ReportFileError struct {
	Path string
}

func (e *ReportFileError) Error() string {
	return fmt.Sprintf("--report-file %s is preadmit's stdout, which carries the manifests: use --report-file - for stderr, or a file", e.Path)
}

// reportDestination returns the stream a report file path stands for, or
// nil when path is a file to (re)write.
func reportDestination(path string, stderr io.Writer) (io.Writer, error) {
	if path == StderrReportFile {
		return stderr, nil
	}
	fi, err := os.Stat(path)
	if err != nil {
		return nil, nil // a new file, or an error os.WriteFile reports
	}
	if f, ok := stderr.(*os.File); ok && sameFile(f, fi) {
		return stderr, nil
	}
	if sameFile(os.Stdout, fi) && !isCharDevice(fi) {
		return nil, &ReportFileError{Path: path}
	}
	return nil, nil
}

func sameFile(f *os.File, fi os.FileInfo) bool {
	ffi, err := f.Stat()
	return err == nil && os.SameFile(ffi, fi)
}

func isCharDevice(fi os.FileInfo) bool {
	return fi.Mode()&os.ModeCharDevice != 0
}
