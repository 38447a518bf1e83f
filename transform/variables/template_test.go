package variables

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

var update = flag.Bool("update", false, "rewrite golden files")

func podContext(t testing.TB) *Context {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "pod.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	pod, err := yaml.Parse(string(b))
	if err != nil {
		t.Fatal(err)
	}
	obj, err := FromRNode(pod)
	if err != nil {
		t.Fatal(err)
	}
	imgs, err := ResourceImages(pod)
	if err != nil {
		t.Fatal(err)
	}
	ctx := NewContext()
	ctx.Set("request.object", obj)
	ctx.Set("request.operation", "CREATE")
	ctx.Set("request.namespace", "shop")
	ctx.Set("images", imgs)
	ctx.Set("element", map[string]interface{}{"label": "tier"})
	return ctx
}

func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if string(want) != got {
		t.Errorf("%s differs:\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

func TestSubstituteGolden(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	node, err := yaml.Parse(string(b))
	if err != nil {
		t.Fatal(err)
	}
	before := node.MustString()
	tpl, err := Compile(node)
	if err != nil {
		t.Fatal(err)
	}
	out, err := tpl.Substitute(podContext(t))
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "template.golden.yaml", out.MustString())
	if node.MustString() != before {
		t.Error("Substitute modified the compiled node")
	}
	images, err := ResourceImages(yaml.MustParse(string(mustRead(t, "pod.yaml"))))
	if err != nil {
		t.Fatal(err)
	}
	n, err := ToRNode(images)
	if err != nil {
		t.Fatal(err)
	}
	golden(t, "images.golden.yaml", n.MustString())
}

func mustRead(t *testing.T, name string) []byte {
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestSubstituteErrors(t *testing.T) {
	tests := []struct {
		name, yaml string
		compileErr string
		err        string
		notFound   bool
	}{
		{name: "missing key", yaml: `x: "{{ request.object.metadata.nope }}"`,
			err: `failed to resolve request.object.metadata.nope at path /x: Unknown key "nope" in path`, notFound: true},
		{name: "missing key in interpolation", yaml: `x: ["a {{ request.object.spec.nope.deeper }}"]`,
			err: `at path /x/0: Unknown key "nope"`, notFound: true},
		{name: "missing key in function argument is null", yaml: `x: "{{ to_upper(request.object.metadata.nope) }}"`, err: "Invalid type for: <nil>"},
		{name: "missing key on right of || is null", yaml: `x: "{{ request.object.a || request.object.b }}"`},
		{name: "missing key inside projection is tolerated", yaml: `x: "{{ request.object.spec.containers[].resources.requests.memory }}"`},
		{name: "missing list in multiselect is tolerated", yaml: `x: "{{ request.object.spec.[ephemeralContainers, containers][].name }}"`},
		{name: "null value is not missing", yaml: `x: "{{ nothing }}"`},
		{name: "bad jmespath", yaml: `x: "{{ request.object.[ }}"`, compileErr: `invalid variable {{ request.object.[ }} at path /x`},
		{name: "empty variable", yaml: `x: "{{ }}"`, compileErr: "empty expression"},
		{name: "function error", yaml: `x: "{{ divide(` + "`1`, `0`" + `) }}"`, err: "Zero divisor"},
		{name: "self expanding", yaml: `x: "a{{ loop }}"`, err: "rounds of substitution"},
	}
	ctx := podContext(t)
	ctx.Set("nothing", nil)
	ctx.Set("loop", "{{ loop }}x")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl, err := Compile(yaml.MustParse(tt.yaml))
			if tt.compileErr != "" {
				var ee *ExpressionError
				if err == nil || !strings.Contains(err.Error(), tt.compileErr) || !errors.As(err, &ee) {
					t.Fatalf("Compile error = %v, want %q", err, tt.compileErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			_, err = tpl.Substitute(ctx)
			if tt.err == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Fatalf("error = %v, want %q", err, tt.err)
			}
			var nf *NotFoundError
			if errors.As(err, &nf) != tt.notFound {
				t.Fatalf("errors.As(NotFoundError) = %v, want %v", !tt.notFound, tt.notFound)
			}
		})
	}
}

func TestHasVariables(t *testing.T) {
	for s, want := range map[string]bool{
		`a: b`:                  false,
		`a: "{{ x }}"`:          true,
		`"{{ x }}": b`:          true,
		`a: [1, "x{{y}}"]`:      true,
		`a: "\\{{ escaped }}"`:  true,
		`a: "{{ not closed"`:    false,
		`a: "{ {x} }"`:          false,
		`a: "$(./../key)"`:      false,
		`a: "{{{{ double }}}}"`: true,
	} {
		if got := HasVariables(yaml.MustParse(s)); got != want {
			t.Errorf("HasVariables(%s) = %v, want %v", s, got, want)
		}
	}
}

func TestContextSetIsCopyOnWrite(t *testing.T) {
	ctx := NewContext()
	ctx.Set("request.object", map[string]interface{}{"a": 1.0})
	c2 := ctx.Clone()
	c2.Set("request.operation", "UPDATE")
	if _, ok := ctx.Get("request.operation"); ok {
		t.Fatal("Set on a clone changed the original")
	}
	if v, _ := c2.Get("request.object.a"); v != 1.0 {
		t.Fatalf("clone lost data: %v", v)
	}
}

func TestParseImage(t *testing.T) {
	// Cases from Kyverno's pkg/utils/image/infos_test.go.
	tests := []struct{ in, registry, path, name, tag, digest, str string }{
		{"nginx", "docker.io", "nginx", "nginx", "latest", "", "docker.io/nginx:latest"},
		{"nginx:v10.3", "docker.io", "nginx", "nginx", "v10.3", "", "docker.io/nginx:v10.3"},
		{"docker.io/test/nginx:v10.3", "docker.io", "test/nginx", "nginx", "v10.3", "", "docker.io/test/nginx:v10.3"},
		{"test/nginx", "docker.io", "test/nginx", "nginx", "latest", "", "docker.io/test/nginx:latest"},
		{"localhost:4443/test/nginx", "localhost:4443", "test/nginx", "nginx", "latest", "", "localhost:4443/test/nginx:latest"},
		{"localhost/netd:v0.4.4-gke.0", "localhost", "netd", "netd", "v0.4.4-gke.0", "", "localhost/netd:v0.4.4-gke.0"},
		{"docker.io/test/centos@sha256:dead07b4d8ed7e29e98de0f4504d87e8880d4347859d839686a31da35a3b532f", "docker.io", "test/centos", "centos", "",
			"sha256:dead07b4d8ed7e29e98de0f4504d87e8880d4347859d839686a31da35a3b532f",
			"docker.io/test/centos@sha256:dead07b4d8ed7e29e98de0f4504d87e8880d4347859d839686a31da35a3b532f"},
	}
	for _, tt := range tests {
		got, err := ParseImage(tt.in)
		if err != nil {
			t.Errorf("%s: %v", tt.in, err)
			continue
		}
		want := ImageInfo{Registry: tt.registry, Path: tt.path, Name: tt.name, Tag: tt.tag, Digest: tt.digest}
		if got != want || got.String() != tt.str {
			t.Errorf("%s: got %+v (%s), want %+v (%s)", tt.in, got, got.String(), want, tt.str)
		}
	}
	for _, bad := range []string{"++", "nginx:", "Docker.io/x/Y", "x@sha256:abc"} {
		if _, err := ParseImage(bad); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func mustReadB(b testing.TB, path string) []byte {
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	return data
}
