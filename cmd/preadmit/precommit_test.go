package main

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
)

// precommitHook is a hook of .pre-commit-hooks.yaml, with the fields
// pre-commit documents for a hook repository.
type precommitHook struct {
	ID            string   `yaml:"id"`
	Name          string   `yaml:"name"`
	Description   string   `yaml:"description"`
	Entry         string   `yaml:"entry"`
	Language      string   `yaml:"language"`
	Args          []string `yaml:"args"`
	Files         string   `yaml:"files"`
	Exclude       string   `yaml:"exclude"`
	Types         []string `yaml:"types"`
	PassFilenames *bool    `yaml:"pass_filenames"`
	AlwaysRun     bool     `yaml:"always_run"`
	RequireSerial bool     `yaml:"require_serial"`
}

// TestPrecommitHooks runs each hook of .pre-commit-hooks.yaml as pre-commit
// does: the entry split by shell rules, then the hook's args (or the
// user's), then the file names unless pass_filenames is false, with the
// hook's environment (preadmit, as "go install" built it) first on PATH, in
// the user's repository.
func TestPrecommitHooks(t *testing.T) {
	hooks := readHooks(t)
	preadmitDir, manifests, policyDir := ciFixtures(t)
	tests := []struct {
		name, hook string
		// args replaces the hook's own when not nil, as a user's
		// .pre-commit-config.yaml "args:" does.
		args  []string
		files []string
		// broken makes the copied kyverno-test.yaml expect a wrong result.
		broken   bool
		wantCode int
		// wantOut are substrings of the hook's output.
		wantOut []string
	}{{
		name: "test: the policies' tests pass", hook: "preadmit-test",
		wantOut: []string{"Test Summary: 0 out of"},
	}, {
		name: "test: a wrong expected result fails", hook: "preadmit-test", broken: true,
		wantCode: 1, wantOut: []string{"Test Summary: 2 out of 18 tests failed", "Pod/no-tag"},
	}, {
		name: "test: args name the directory", hook: "preadmit-test", args: []string{"policies"},
		wantOut: []string{"Test Summary: 0 out of"},
	}, {
		name: "render: compliant files pass", hook: "preadmit-render",
		files: []string{"manifests/settings.yaml"},
	}, {
		name: "render: a violation fails and names the file", hook: "preadmit-render",
		files:    []string{"manifests/settings.yaml", "manifests/web.yaml"},
		wantCode: 1, wantOut: []string{"manifests/web.yaml:\n", "disallow-latest-tag/autogen-validate-image-tag", "fix: "},
	}, {
		name: "render: args are render flags", hook: "preadmit-render",
		args:  []string{"--disable=disallow-latest-tag", "--profile=baseline"},
		files: []string{"manifests/web.yaml"},
	}, {
		name: "render: malformed YAML fails", hook: "preadmit-render",
		files:    []string{"manifests/broken.yaml"},
		wantCode: 1, wantOut: []string{"manifests/broken.yaml:\n"},
	}}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, ok := hooks[tc.hook]
			if !ok {
				t.Fatalf(".pre-commit-hooks.yaml has no hook %q", tc.hook)
			}
			repo := t.TempDir()
			copyFixtureTree(t, manifests, filepath.Join(repo, "manifests"))
			copyFixtureTree(t, policyDir, filepath.Join(repo, "policies"))
			writeFixture(t, filepath.Join(repo, "manifests", "broken.yaml"), "kind: Deployment\nmetadata: {name: [\n")
			if tc.broken {
				test := filepath.Join(repo, "policies", "kyverno-test.yaml")
				b, err := os.ReadFile(test)
				if err != nil {
					t.Fatal(err)
				}
				writeFixture(t, test, strings.Replace(string(b), "result: fail", "result: pass", 1))
			}
			for _, f := range tc.files {
				if !hookSelects(t, h, f) {
					t.Fatalf("hook %s would not be given %s (files %q, types %v)", h.ID, f, h.Files, h.Types)
				}
			}

			argv := shellSplit(t, h.Entry)
			args := h.Args
			if tc.args != nil {
				args = tc.args
			}
			argv = append(argv, args...)
			if h.PassFilenames == nil || *h.PassFilenames {
				argv = append(argv, tc.files...)
			}
			// pre-commit looks the entry up on the PATH it gives the hook.
			t.Setenv("PATH", preadmitDir+string(os.PathListSeparator)+os.Getenv("PATH"))
			cmd := exec.Command(argv[0], argv[1:]...)
			cmd.Dir = repo
			cmd.Env = append(os.Environ(), "PRE_COMMIT=1")
			out, err := cmd.CombinedOutput()
			code := 0
			var ee *exec.ExitError
			switch {
			case errors.As(err, &ee):
				code = ee.ExitCode()
			case err != nil:
				t.Fatal(err)
			}
			if code != tc.wantCode {
				t.Errorf("exit %d, want %d; output:\n%s", code, tc.wantCode, out)
			}
			for _, w := range tc.wantOut {
				if !bytes.Contains(out, []byte(w)) {
					t.Errorf("output lacks %q:\n%s", w, out)
				}
			}
			if tc.wantCode == 0 && tc.hook == "preadmit-render" && len(out) != 0 {
				t.Errorf("a passing render printed:\n%s", out)
			}
		})
	}
}

func readHooks(t *testing.T) map[string]precommitHook {
	t.Helper()
	b, err := os.ReadFile("../../.pre-commit-hooks.yaml")
	if err != nil {
		t.Fatal(err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	var list []precommitHook
	if err := dec.Decode(&list); err != nil {
		t.Fatalf(".pre-commit-hooks.yaml: %v", err)
	}
	hooks := map[string]precommitHook{}
	for _, h := range list {
		if h.ID == "" || h.Name == "" || h.Entry == "" || h.Language != "golang" {
			t.Errorf("hook %+v: id, name, entry and language golang are required", h)
		}
		hooks[h.ID] = h
	}
	return hooks
}

// hookSelects says whether pre-commit would pass file to h: files and
// exclude are Python regular expressions searched in the path (these are
// RE2-compatible); of the types, only yaml is known here.
func hookSelects(t *testing.T, h precommitHook, file string) bool {
	t.Helper()
	if h.Files != "" && !regexp.MustCompile(h.Files).MatchString(file) {
		return false
	}
	if h.Exclude != "" && regexp.MustCompile(h.Exclude).MatchString(file) {
		return false
	}
	for _, ty := range h.Types {
		switch ty {
		case "yaml":
			if ext := filepath.Ext(file); ext != ".yaml" && ext != ".yml" {
				return false
			}
		case "file", "text":
		default:
			t.Fatalf("hook %s: type %q unknown to the test", h.ID, ty)
		}
	}
	return true
}

// shellSplit splits an entry as Python's shlex.split (POSIX mode), which
// pre-commit uses: blanks separate words; single quotes keep everything;
// in double quotes a backslash escapes only \ " $ ` and newline; outside
// quotes it escapes any character.
func shellSplit(t *testing.T, s string) []string {
	t.Helper()
	var words []string
	var w strings.Builder
	inWord := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '\'':
			j := strings.IndexByte(s[i+1:], '\'')
			if j < 0 {
				t.Fatalf("entry %q: no closing quote", s)
			}
			w.WriteString(s[i+1 : i+1+j])
			i += j + 1
			inWord = true
		case c == '"':
			i++
			for ; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\\\"$`\n", s[i+1]) >= 0 {
					i++
				}
				w.WriteByte(s[i])
			}
			if i >= len(s) {
				t.Fatalf("entry %q: no closing quote", s)
			}
			inWord = true
		case c == '\\' && i+1 < len(s):
			i++
			w.WriteByte(s[i])
			inWord = true
		case slices.Contains([]byte(" \t\n\r"), c):
			if inWord {
				words = append(words, w.String())
				w.Reset()
				inWord = false
			}
		default:
			w.WriteByte(c)
			inWord = true
		}
	}
	if inWord {
		words = append(words, w.String())
	}
	return words
}

func TestShellSplit(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want []string
	}{
		{"preadmit test --fail-only", []string{"preadmit", "test", "--fail-only"}},
		{`bash -c 'a "b" $c' name`, []string{"bash", "-c", `a "b" $c`, "name"}},
		{`a "b \"c\" \d" e\ f`, []string{"a", `b "c" \d`, "e f"}},
		{"  a\n\tb  ", []string{"a", "b"}},
		{`x''y ""`, []string{"xy", ""}},
	} {
		if got := shellSplit(t, tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("shellSplit(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func writeFixture(t *testing.T, name, content string) {
	t.Helper()
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
