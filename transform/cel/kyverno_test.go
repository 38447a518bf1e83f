package cel_test

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-containerregistry/pkg/v1/remote"
	sdkhttp "github.com/kyverno/sdk/extensions/cel/libs/http"
	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"

	"github.com/preadmit/preadmit/transform/cel"
)

// TestKyvernoLibraries evaluates one expression per Kyverno library, as a
// ValidatingPolicy or MutatingPolicy reaches it, against its expected
// value; each must not compile with the API server's libraries alone.
func TestKyvernoLibraries(t *testing.T) {
	pem, err := os.ReadFile("testdata/cert.pem")
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 4, 5, 6, 7, 0, time.UTC)
	in := cel.Input{
		Object: object(t, deployment),
		Params: map[string]any{"cert": string(pem)},
		Now:    at,
	}
	tests := []struct{ library, expr string }{
		{"json", `json.unmarshal('{"a": [1, "b"]}').a[1] == "b"`},
		{"json", `json.marshal({"replicas": object.spec.replicas}) == '{"replicas":3}'`},
		{"yaml", `yaml.parse("a:\n  b: [x, z]\n  on: yes").a.b == ["x", "z"]`},
		{"x509", `x509.decode(params.cert).Issuer.CommonName == "preadmit.example" && x509.decode(params.cert).SerialNumber == 4242`},
		{"hash", `sha256("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" && hash.md5("abc") == "900150983cd24fb0d6963f7d28e17f72" && hash.sha1("abc") == "a9993e364706816aba3e25717850c26c9cd0d89d"`},
		{"math", `math.round(2.345, 2) == 2.35`},
		{"random", `random("[a-f]{6}").matches("^[a-f]{6}$") && random.random().size() == 8`},
		{"time", `time.now() == timestamp("2026-03-04T05:06:07Z")`},
		{"time", `time.toCron(timestamp("2026-03-04T05:06:07Z")) == "6 5 4 3 3" && time.truncate(timestamp("2026-03-04T05:06:07Z"), duration("1h")) == timestamp("2026-03-04T05:00:00Z")`},
		{"transform", `listObjToMap([{"k": "a"}], [{"v": 1}], "k", "v") == {"a": 1} && transform.listObjToMap([{"k": "b"}], [{"v": "x"}], "k", "v").b == "x"`},
		{"user", `parseServiceAccount("system:serviceaccount:ns1:sa1").Namespace == "ns1" && user.parseServiceAccount("system:serviceaccount:ns1:sa1").Name == "sa1"`},
		{"image", `object.spec.template.spec.containers.all(c, parseImageReference(c.image).tag() == "1.25" && parseImageReference(c.image).registry() == "index.docker.io" && isImage(c.image))`},
		{"image", `image("ghcr.io/a/b@sha256:6aefddb645ee6963afd681b1845c661d0ea4c3b20ab9db86d9e753b203d385f2").containsDigest() && !isImage("a b")`},
		{"gzip", `gzip.decompress(gzip.compress("hello")) == "hello"`},
		{"regex", `regex.replace("docker.io/nginx", "^docker\\.io/(.*)", "mirror.io/\\1") == "mirror.io/nginx"`},
	}
	for _, tt := range tests {
		t.Run(tt.library+"/"+tt.expr, func(t *testing.T) {
			for _, l := range []cel.Libraries{cel.KyvernoLibraries, cel.KyvernoClusterLibraries} {
				p, err := l.CompileAs(tt.expr, "spec.validations[0].expression", cel.BoolType)
				if err != nil {
					t.Fatal(err)
				}
				got, err := p.Bool(cel.NewBindings(in, nil))
				if err != nil {
					t.Fatal(err)
				}
				if !got {
					t.Errorf("libraries %d: got false", l)
				}
			}
			if _, err := cel.Compile(tt.expr, "spec.validations[0].expression"); err == nil {
				t.Errorf("compiles with the API server's libraries; the admission kinds must not have Kyverno's")
			}
		})
	}
}

// TestKyvernoClusterLibraries: the libraries that read the cluster, a
// registry or the network stay undeclared with Kyverno's libraries too,
// and the error names the call.
func TestKyvernoClusterLibraries(t *testing.T) {
	tests := []struct{ expr, want string }{
		{"resource.Get('v1', 'configmaps', 'ns', 'x').data.a == 'b'", "calls resource"},
		{"http.Get('https://x').ok", "calls http"},
		{"globalContext.Get('e', '').size() > 0", "calls globalContext"},
		{"image.GetMetadata('nginx').config != null", "calls image.GetMetadata"},
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := cel.KyvernoLibraries.Compile(tt.expr, "spec.validations[1].expression")
			var ce *cel.Error
			if !errors.As(err, &ce) || !ce.NeedsCluster || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want a NeedsCluster error with %q", err, tt.want)
			}
		})
	}
}

// TestNondeterministic: the calls a mutation must not depend on.
func TestNondeterministic(t *testing.T) {
	tests := []struct{ expr, want string }{
		{`random("[a-z]{3}")`, "random"},
		{`object.metadata.name + random.random()`, "random.random"},
		{`[1].map(x, string(time.now()))`, "time.now()"},
		{`time.truncate(timestamp("2026-03-04T05:06:07Z"), duration("1h"))`, ""},
		{`sha256(object.metadata.name)`, ""},
	}
	for _, tt := range tests {
		p, err := cel.KyvernoLibraries.Compile(tt.expr, "spec.variables[0].expression")
		if err != nil {
			t.Fatal(err)
		}
		if got := p.Nondeterministic(); got != tt.want {
			t.Errorf("%s: got %q, want %q", tt.expr, got, tt.want)
		}
	}
}

// TestGzipBomb: a small compressed value that decompresses into more than
// the API server's largest request is an error, not an allocation.
func TestGzipBomb(t *testing.T) {
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	zeros := make([]byte, 1<<20)
	for range 64 {
		if _, err := w.Write(zeros); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	in := cel.Input{Object: map[string]any{"data": base64.StdEncoding.EncodeToString(buf.Bytes())}}
	for _, tt := range []struct {
		expr, want string
	}{
		{`gzip.decompress(base64.decode(object.data)).size() > 0`, "decompresses to more than"},
		{`gzip.decompress(gzip.compress("ok")) == "ok"`, ""},
	} {
		p, err := cel.KyvernoLibraries.Compile(tt.expr, "spec.validations[0].expression")
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Bool(cel.NewBindings(in, nil))
		if tt.want == "" && err != nil || tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("%s: got %v, want %q", tt.expr, err, tt.want)
		}
	}
}

// fakeCluster answers the cluster libraries with fixed values.
type fakeCluster struct{}

func (fakeCluster) ListResources(string, string, string, map[string]string) (*unstructured.UnstructuredList, error) {
	return &unstructured.UnstructuredList{Items: []unstructured.Unstructured{{Object: map[string]any{"kind": "ConfigMap"}}}}, nil
}

func (fakeCluster) GetResource(_, _, namespace, name string) (*unstructured.Unstructured, error) {
	return &unstructured.Unstructured{Object: map[string]any{"data": map[string]any{"key": namespace + "/" + name}}}, nil
}

func (fakeCluster) PostResource(string, string, string, map[string]any) (*unstructured.Unstructured, error) {
	return nil, errors.New("no")
}

func (fakeCluster) ToGVR(string, string) (*schema.GroupVersionResource, error) {
	return nil, errors.New("no")
}

func (fakeCluster) GetGlobalReference(name, projection string) (any, error) {
	return name + "." + projection, nil
}

func (fakeCluster) Get(url string, _ map[string]string) (any, error) {
	return map[string]any{"body": map[string]any{"url": url}}, nil
}

func (fakeCluster) Post(url string, _ any, _ map[string]string) (any, error) {
	return map[string]any{"statusCode": 201}, nil
}

func (f fakeCluster) Client(string) (sdkhttp.ContextInterface, error) { return f, nil }

func (fakeCluster) GetImageData(image string, _ []remote.Option) (map[string]any, error) {
	return map[string]any{"image": image, "config": map[string]any{"architecture": "arm64"}}, nil
}

// TestClusterCalls: every library an expression calls is named, once, in
// the order it first appears.
func TestClusterCalls(t *testing.T) {
	tests := []struct {
		expr string
		want []string
	}{
		{`object.metadata.name == "x" && image("nginx").tag() == ""`, nil},
		{`http.Get("https://x").ok == true || resource.Get("v1", "configmaps", "ns", "x").data.a == http.Get("https://y").body.b`, []string{"http", "resource"}},
		{`globalContext.Get("e", "") == null && image.GetMetadata("nginx").config.architecture == "amd64"`, []string{"globalContext", "image.GetMetadata"}},
	}
	for _, tt := range tests {
		p, err := cel.KyvernoClusterLibraries.CompileAs(tt.expr, "spec.validations[0].expression", cel.BoolType)
		if err != nil {
			t.Fatal(err)
		}
		if got := p.ClusterCalls(); !slices.Equal(got, tt.want) {
			t.Errorf("%s: ClusterCalls() = %q, want %q", tt.expr, got, tt.want)
		}
	}
}

// TestKyvernoClusterLibrariesAnswered: with KyvernoClusterLibraries the
// calls compile, read the bindings' Cluster when there is one, and are an
// error naming no value when there is none.
func TestKyvernoClusterLibrariesAnswered(t *testing.T) {
	f := fakeCluster{}
	with := cel.Input{Cluster: &cel.Cluster{Resources: f, GlobalContext: f, HTTP: f, Images: f}}
	tests := []struct{ library, expr string }{
		{"resource", `resource.Get("v1", "configmaps", "ns", "cm").data.key == "ns/cm" && resource.List("v1", "configmaps", "ns").items.size() == 1`},
		{"globalContext", `globalContext.Get("entry", "path") == "entry.path"`},
		{"http", `http.Get("https://x.example/a").body.url == "https://x.example/a" && http.Post("https://x.example/b", {"a": 1}).statusCode == 201`},
		{"image.GetMetadata", `image.GetMetadata("nginx:1.25").config.architecture == "arm64" && image("nginx:1.25").tag() == "1.25"`},
	}
	for _, tt := range tests {
		t.Run(tt.library, func(t *testing.T) {
			p, err := cel.KyvernoClusterLibraries.CompileAs(tt.expr, "spec.validations[0].expression", cel.BoolType)
			if err != nil {
				t.Fatal(err)
			}
			if got := p.ClusterCalls(); !slices.Equal(got, []string{tt.library}) {
				t.Errorf("ClusterCalls() = %q, want [%q]", got, tt.library)
			}
			if got, err := p.Bool(cel.NewBindings(with, nil)); err != nil || !got {
				t.Errorf("with values: got %v, %v", got, err)
			}
			if _, err := p.Bool(cel.NewBindings(cel.Input{}, nil)); err == nil || !strings.Contains(err.Error(), "no value") {
				t.Errorf("without values: got %v, want an error saying there is no value", err)
			}
		})
	}
}
