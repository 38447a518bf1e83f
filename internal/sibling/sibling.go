package sibling

import (
	"os"
	"os/exec"
	"path/filepath"
)

// Find returns the path of the companion binary name, looked for next to
// this executable, then on PATH. Its error says what needs it and how to
// install it.
func Find(name, neededBy string) (string, error) {
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), name)
		if fi, err := os.Stat(p); err == nil && !fi.IsDir() {
			return p, nil
		}
	}
	if p, err := exec.LookPath(name); err == nil {
		return p, nil
	}
	return "", &NotFoundError{Name: name, NeededBy: neededBy}
}

// NotFoundError is Find's error: the binary is neither next to preadmit
// nor on PATH.
type NotFoundError struct {
	Name, NeededBy string
}

func (e *NotFoundError) Error() string {
	return e.NeededBy + ` needs the ` + e.Name + ` binary, next to preadmit or on PATH: ` +
		`go install github.com/preadmit/preadmit/cmd/` + e.Name + `@latest (or make build, which writes bin/` + e.Name + `)`
}
