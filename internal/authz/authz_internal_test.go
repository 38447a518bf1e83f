package authz

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// fakeEngine puts a preadmit-authz that runs script first on PATH: the
// client's side of the protocol, its failures, without the engine.
func fakeEngine(t *testing.T, script string) {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, Binary), []byte("#!/bin/sh\n"+script+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
}

// TestCheckFailures: an engine that does not answer in time, fails, or
// answers what was not asked gives an error that says so.
func TestCheckFailures(t *testing.T) {
	req := Request{Mode: Envoy, Policies: []Policy{{File: "p.yaml", Document: []byte(`{}`)}}, Payloads: []Payload{{Name: "r.json", Body: []byte(`{}`)}}}
	cases := []struct {
		name, script, want string
	}{
		{"hangs", "exec sleep 60", "preadmit-authz did not answer within 200ms"},
		{"fails", `echo "preadmit-authz: p.yaml: ValidatingPolicy x: bad" >&2; exit 2`, "p.yaml: ValidatingPolicy x: bad"},
		{"garbage", "echo nope", "reading preadmit-authz's results"},
		{"too few results", `echo '{"results": []}'`, "preadmit-authz answered 0 results, want 1"},
	}
	old := Timeout
	Timeout = 200 * time.Millisecond
	defer func() { Timeout = old }()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fakeEngine(t, tc.script)
			start := time.Now()
			_, err := Check(context.Background(), req)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want %q", err, tc.want)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("took %v", d)
			}
		})
	}
}
