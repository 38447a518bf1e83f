package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/preadmit/preadmit/internal/cliflags"
)

func TestBuildVersion(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	const rev = "f66598f8b69dfee9f0ec8c5da946ded0e35d5e5d"
	for _, tc := range []struct {
		name    string
		ldflags string
		info    *debug.BuildInfo
		want    string
	}{
		{"ldflags win", "v1.2.3", &debug.BuildInfo{Main: debug.Module{Version: "v1.0.0"}}, "v1.2.3"},
		{"module version", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.4.1"}, Settings: vcs(rev, "false")}, "v0.4.1"},
		{"pseudo-version", "", &debug.BuildInfo{Main: debug.Module{Version: "v0.0.0-20261201225702-f66598f8b69d+dirty"}}, "v0.0.0-20261201225702-f66598f8b69d+dirty"},
		{"revision", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "false")}, "f66598f8b69d"},
		{"revision dirty", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}, Settings: vcs(rev, "true")}, "f66598f8b69d-dirty"},
		{"nothing stamped", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "dev"},
		{"no build info", "", nil, "dev"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := cliflags.BuildVersion(tc.ldflags, tc.info, tc.info != nil); got != tc.want {
				t.Errorf("BuildVersion = %q, want %q", got, tc.want)
			}
		})
	}
}

// TestVersionBinary builds preadmit from this checkout as "make build" does
// and checks that --version names the commit (and a dirty tree), not "dev".
// Go stamps no VCS information in a linked git worktree, so the test needs a
// plain checkout.
func TestVersionBinary(t *testing.T) {
	git := func(args ...string) string {
		out, err := exec.Command("git", args...).Output()
		if err != nil {
			t.Skipf("git %s: %v (not a git checkout)", strings.Join(args, " "), err)
		}
		return strings.TrimSpace(string(out))
	}
	top := git("rev-parse", "--show-toplevel")
	if fi, err := os.Stat(filepath.Join(top, ".git")); err != nil || !fi.IsDir() {
		t.Skip("a linked git worktree: go build stamps no VCS information there")
	}
	head, dirty := git("rev-parse", "HEAD")[:12], git("status", "--porcelain") != ""
	bin := filepath.Join(t.TempDir(), "preadmit")
	// -buildvcs=true: a GOFLAGS=-buildvcs=false of the machine must not
	// hide a failure to stamp.
	if out, err := exec.Command("go", "build", "-buildvcs=true", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").CombinedOutput()
	if err != nil {
		t.Fatalf("preadmit --version: %v\n%s", err, out)
	}
	got := strings.TrimSpace(string(out))
	if !strings.HasPrefix(got, "preadmit version ") || !strings.Contains(got, head) {
		t.Errorf("--version printed %q, want the commit %s in it", got, head)
	}
	if strings.Contains(got, "dirty") != dirty {
		t.Errorf("--version printed %q; the tree is dirty: %v", got, dirty)
	}
}
