package main

import (
	"bufio"
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// readmeSkips are the README commands TestReadmeCommands does not run,
// matched by a substring, and why. A command that needs what a test
// machine has not is marked in the README itself instead (readmeMarkers),
// so that a reader sees it too; this list is for the rest. A new README
// section either runs as written or adds its commands here or a marker
// there.
var readmeSkips = []struct{ match, why string }{
	{"make demo", "TestMakeDemo runs it, redirected into a file"},
	{"make test", "runs this test, among everything CI runs"},
	{"make image", "TestImage (internal/fnimage) builds the image and runs the binary out of it"},
	{"make parity", "TestKyvernoParity is that test, in this package; it builds the Kyverno CLI first (ten minutes)"},
	{"TestKyvernoParity", "TestKyvernoParity is in this package: it would run a go test inside a go test"},
	{"TestKyvernoCLISuite", "TestKyvernoCLISuite is in this package: it would run a go test inside a go test"},
	{"make tools", "needs the network (go install through the module proxy); the test takes the tools from HELM_BIN, HELM4_BIN, KUSTOMIZE_BIN, KPT_BIN, bin/ or PATH"},
	{"make build && export PATH=$PWD/bin:", "the test's own setup: a preadmit built from this tree is first on PATH, and plugins/argocd after it"},
}

// readmeMarkers in a command's comment say why it cannot run on a test
// machine: no cluster (KUBECONFIG points nowhere), no docker engine, no
// network.
var readmeMarkers = []string{"needs a cluster", "needs docker", "needs the network"}

// readmeFails in a command's comment says that it fails on purpose: it
// must exit non-zero.
const readmeFails = "fails on purpose"

// readmeFiles are the documents whose shell blocks TestReadmeCommands
// runs, README.md first, relative to the repository root (globs).
var readmeFiles = []string{"README.md", "docs/*.md", "docs/deviations/*.md", "krm-functions/README.md", "policies/README.md", "examples/README.md"}

// readmeCommand is one command of a README shell block: continuation lines
// joined, with the file and section it is in.
type readmeCommand struct {
	file    string
	line    int
	section string
	text    string
}

// readmeCommands returns the commands of the sh, bash and shell blocks of
// a Markdown file, in order. Comment lines are left out.
func readmeCommands(t *testing.T, path string) []readmeCommand {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out []readmeCommand
	var section string
	var cur *readmeCommand
	inBlock, shell := false, false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		l := sc.Text()
		switch {
		case strings.HasPrefix(l, "```"):
			if inBlock {
				inBlock, shell = false, false
				continue
			}
			inBlock = true
			lang := strings.TrimSpace(strings.TrimPrefix(l, "```"))
			shell = lang == "sh" || lang == "bash" || lang == "shell"
			continue
		case !inBlock && strings.HasPrefix(l, "#"):
			section = strings.TrimSpace(strings.TrimLeft(l, "#"))
			continue
		case !inBlock || !shell:
			continue
		}
		if cur != nil {
			cur.text += "\n" + l
		} else {
			trimmed := strings.TrimSpace(l)
			if trimmed == "" || strings.HasPrefix(trimmed, "#") {
				continue
			}
			cur = &readmeCommand{file: filepath.Base(path), line: n, section: section, text: l}
		}
		if !strings.HasSuffix(l, "\\") {
			out = append(out, *cur)
			cur = nil
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// skipReason says why a command is not run, or "".
func (c readmeCommand) skipReason() string {
	for _, s := range readmeSkips {
		if strings.Contains(c.text, s.match) {
			return s.why
		}
	}
	for _, m := range readmeMarkers {
		if strings.Contains(c.text, "# "+m) || strings.Contains(c.text, "; "+m) {
			return "marked in the document: " + m
		}
	}
	return ""
}

// TestReadmeCommands runs every command of the shell blocks of the README
// and the docs (readmeFiles) as written, in order, from the root of a copy of the repository (commands
// write files such as rendered.yaml there), with preadmit, helm,
// kustomize, kpt and jq on PATH: helm is Helm 4 in the Helm 4 section,
// Helm 3 elsewhere. A command must exit 0, or non-zero when its comment
// says it fails on purpose; readmeSkips and readmeMarkers list the ones
// that are not run, and why. The README's example exception is
// examples/exceptions/node-exporter.yaml, which the commands use.
func TestReadmeCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the README")
	}
	root := filepath.Join("..", "..")
	var cmds []readmeCommand
	for _, pattern := range readmeFiles {
		files, err := filepath.Glob(filepath.Join(root, pattern))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range files {
			cmds = append(cmds, readmeCommands(t, f)...)
		}
	}
	if n := len(readmeCommands(t, filepath.Join(root, "README.md"))); n < 20 {
		t.Fatalf("found %d commands in README.md: the parser is broken", n)
	}
	checkReadmeException(t, root)

	tools := t.TempDir()
	helm4 := t.TempDir()
	link := func(dir, name, target string) {
		if err := os.Symlink(target, filepath.Join(dir, name)); err != nil {
			t.Fatal(err)
		}
	}
	link(tools, "preadmit", preadmitBinary(t))
	link(tools, "helm", toolBinary(t, "HELM_BIN", "helm"))
	link(helm4, "helm", toolBinary(t, "HELM4_BIN", "helm4"))
	link(tools, "kustomize", toolBinary(t, "KUSTOMIZE_BIN", "kustomize"))
	link(tools, "kpt", toolBinary(t, "KPT_BIN", "kpt"))
	if _, err := exec.LookPath("jq"); err != nil {
		t.Skip("jq not found")
	}
	work := copyRepo(t, root)
	env := append(os.Environ(), helmHome(t)...)
	env = append(env, "HOME="+t.TempDir())

	for _, c := range cmds {
		where := c.file + ":" + strconv.Itoa(c.line)
		name := strings.Fields(c.text)[0] + " (" + where + ")"
		t.Run(name, func(t *testing.T) {
			if why := c.skipReason(); why != "" {
				t.Skipf("%s: %s", c.text, why)
			}
			path := tools
			if strings.Contains(c.section, "Helm 4") {
				path = helm4 + string(os.PathListSeparator) + tools
			}
			ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
			defer cancel()
			cmd := exec.CommandContext(ctx, "bash", "-o", "pipefail", "-c", c.text)
			cmd.Dir = work
			path += string(os.PathListSeparator) + filepath.Join(work, "plugins", "argocd")
			cmd.Env = append(env, "PATH="+path+string(os.PathListSeparator)+os.Getenv("PATH"))
			out, err := cmd.CombinedOutput()
			wantFail := strings.Contains(c.text, readmeFails)
			switch {
			case wantFail && err == nil:
				t.Errorf("%s says it fails on purpose, but it passed:\n%s\n%s", where, c.text, out)
			case !wantFail && err != nil:
				t.Errorf("%s: %v\n%s\n%s", where, err, c.text, out)
			}
		})
	}
}

// checkReadmeException holds the README's example PolicyException to
// examples/exceptions/node-exporter.yaml, which its commands read.
func checkReadmeException(t *testing.T, root string) {
	t.Helper()
	readme := krmRead(t, filepath.Join(root, "README.md"))
	m := regexp.MustCompile("(?s)```yaml\n(apiVersion: kyverno.io/v2\nkind: PolicyException\n.*?)```").FindStringSubmatch(readme)
	if m == nil {
		t.Fatal("README.md has no example PolicyException")
	}
	file := krmRead(t, filepath.Join(root, "examples", "exceptions", "node-exporter.yaml"))
	if _, body, _ := strings.Cut(file, "\napiVersion:"); "apiVersion:"+body != m[1] {
		t.Errorf("examples/exceptions/node-exporter.yaml is not the README's example exception:\n%s", firstDiff("apiVersion:"+body, m[1]))
	}
}

// copyRepo copies the repository's files, without .git and bin/, into a
// temporary directory.
func copyRepo(t *testing.T, root string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, p)
		if rel == ".git" || rel == "bin" || rel == "dist" {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case d.Type()&fs.ModeSymlink != 0:
			l, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(l, target)
		case d.Type().IsRegular():
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			info, err := d.Info()
			if err != nil {
				return err
			}
			return os.WriteFile(target, b, info.Mode().Perm())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}
