package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/stream"
)

var updateFn = flag.Bool("update-fn", false, "rewrite the golden files of the fn tests")

// TestFnResourceList runs "preadmit fn" in process on the ResourceLists of
// testdata/fn/<case>/input.yaml: stdout, stderr and exit code are golden
// (expected.yaml, stderr.txt, exit.txt).
func TestFnResourceList(t *testing.T) {
	dirs, err := filepath.Glob("testdata/fn/*")
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no fn cases: %v", err)
	}
	for _, dir := range dirs {
		t.Run(filepath.Base(dir), func(t *testing.T) {
			in, err := os.ReadFile(filepath.Join(dir, "input.yaml"))
			if err != nil {
				t.Fatal(err)
			}
			args := []string{"fn"}
			if b, err := os.ReadFile(filepath.Join(dir, "args.txt")); err == nil {
				args = append(args, strings.Fields(string(b))...)
			}
			var stdout, stderr bytes.Buffer
			t.Chdir(dir)
			code := run(context.Background(), args, bytes.NewReader(in), &stdout, &stderr)
			krmGolden(t, "expected.yaml", stdout.Bytes())
			krmGolden(t, "stderr.txt", stderr.Bytes())
			krmGolden(t, "exit.txt", []byte(fmt.Sprintf("%d\n", code)))
		})
	}
}

func krmGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	if *updateFn {
		if err := os.WriteFile(name, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(name)
	if err != nil {
		t.Fatalf("%v (run with -update-fn)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (run with -update-fn to accept):\n--- got\n%s\n--- want\n%s", name, got, want)
	}
}

// TestFnKustomizeExample builds krm-functions/kustomize with the real
// kustomize: the policy resource is consumed, the mutations are in the
// output, and kustomize's annotations are gone.
func TestFnKustomizeExample(t *testing.T) {
	out, stderr, code := krmKustomizeBuild(t, "../../krm-functions/kustomize")
	if code != 0 {
		t.Fatalf("exit %d, stderr:\n%s", code, stderr)
	}
	docs := krmManifests(t, out)
	if _, ok := docs["kyverno.io/v1/ClusterPolicy//add-team-label"]; ok {
		t.Error("the ClusterPolicy item was emitted; it must be consumed")
	}
	web := docs["apps/v1/Deployment//web"]
	if web == nil {
		t.Fatalf("no Deployment web in:\n%s", out)
	}
	for path, want := range map[string]string{
		"metadata.labels.team":                                                "payments",
		"spec.template.spec.containers.0.image":                               "mirror.corp.example/nginx:1.27.3",
		"spec.template.spec.securityContext.runAsNonRoot":                     "true",
		"spec.template.spec.containers.0.resources.requests.memory":           "128Mi",
		"spec.template.spec.containers.0.securityContext.capabilities.drop.0": "ALL",
	} {
		if got := krmLookup(web, path); got != want {
			t.Errorf("%s = %q, want %q", path, got, want)
		}
	}
	if strings.Contains(out, "config.kubernetes.io/") {
		t.Errorf("kustomize's annotations leaked into the output:\n%s", out)
	}
}

// TestFnKustomizeEnforceFailure adds a resource with a :latest image to the
// example: kustomize build exits 1, prints nothing on stdout, and its stderr
// carries preadmit's violation line.
func TestFnKustomizeEnforceFailure(t *testing.T) {
	dir := krmCopyDir(t, "../../krm-functions/kustomize")
	bad := strings.ReplaceAll(krmRead(t, "../../krm-functions/kustomize-validator/worker.yaml"), "\r", "")
	krmWrite(t, filepath.Join(dir, "worker.yaml"), bad)
	k := strings.Replace(krmRead(t, filepath.Join(dir, "kustomization.yaml")), "- app.yaml\n", "- app.yaml\n- worker.yaml\n", 1)
	krmWrite(t, filepath.Join(dir, "kustomization.yaml"), k)
	out, stderr, code := krmKustomizeBuild(t, dir)
	if code != 1 {
		t.Fatalf("exit %d, want 1; stderr:\n%s", code, stderr)
	}
	if out != "" {
		t.Errorf("stdout must be empty on failure, got:\n%s", out)
	}
	for _, want := range []string{
		"Deployment default/worker",
		": disallow-latest-tag/autogen-validate-image-tag:",
		"(spec.template.spec.containers[0].image)",
		"1 fail (enforce)",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr)
		}
	}
}

// TestFnKustomizeValidatorExample builds krm-functions/kustomize-validator,
// which fails on purpose: the validator entry stops the :latest image.
func TestFnKustomizeValidatorExample(t *testing.T) {
	out, stderr, code := krmKustomizeBuild(t, "../../krm-functions/kustomize-validator")
	if code != 1 || out != "" {
		t.Fatalf("exit %d, want 1 and no output; stdout:\n%s\nstderr:\n%s", code, out, stderr)
	}
	if !strings.Contains(stderr, "Deployment default/worker (source: deployment_worker.yaml): disallow-latest-tag/") {
		t.Errorf("stderr lacks the violation:\n%s", stderr)
	}
	if strings.Contains(stderr, "validator shouldn't modify") {
		t.Errorf("the validator failed for kustomize's own reason, not the violation:\n%s", stderr)
	}
}

// TestFnKustomizeValidatorPassing records kustomize#5036: without the
// violation, kustomize v5.7.1 rejects the validator that passes because of
// the annotations it adds itself. When this test fails, kustomize has fixed
// it: update krm-functions/kustomize-validator and docs/krm-function.md.
func TestFnKustomizeValidatorPassing(t *testing.T) {
	dir := krmCopyDir(t, "../../krm-functions/kustomize-validator")
	k := strings.Replace(krmRead(t, filepath.Join(dir, "kustomization.yaml")), "- worker.yaml\n", "", 1)
	krmWrite(t, filepath.Join(dir, "kustomization.yaml"), k)
	_, stderr, code := krmKustomizeBuild(t, dir)
	if code == 0 || !strings.Contains(stderr, "validator shouldn't modify the resource map") {
		t.Fatalf("kustomize's validators: behaviour changed (exit %d): update the docs of kustomize-validator; stderr:\n%s", code, stderr)
	}
}

// TestFnCorpusParity: for every render of the corpus, "preadmit render" and
// the KRM function run by kustomize produce the same manifests, once
// kustomize's own annotations are ignored. Both run the embedded library in
// audit mode, so that every chart renders.
func TestFnCorpusParity(t *testing.T) {
	charts, _ := filepath.Glob("/work/shared/corpus/charts/*.yaml")
	if len(charts) == 0 {
		t.Skip("no corpus at /work/shared/corpus/charts")
	}
	for _, chart := range charts {
		t.Run(filepath.Base(chart), func(t *testing.T) {
			in := krmRead(t, chart)
			var want, stderr bytes.Buffer
			if code := run(context.Background(), []string{"render", "--mode", "audit", "--tty", "never"}, strings.NewReader(in), &want, &stderr); code != 0 {
				t.Fatalf("render: exit %d\n%s", code, stderr.String())
			}
			dir := t.TempDir()
			krmWrite(t, filepath.Join(dir, "chart.yaml"), in)
			krmWrite(t, filepath.Join(dir, "kustomization.yaml"), "resources: [chart.yaml]\ntransformers: [preadmit.yaml]\n")
			krmWrite(t, filepath.Join(dir, "preadmit.yaml"), `apiVersion: fn.preadmit.io/v1alpha1
kind: Preadmit
metadata:
  name: preadmit
  annotations:
    config.kubernetes.io/function: |
      exec:
        path: preadmit
        args: [fn]
spec:
  mode: audit
`)
			got, kerr, code := krmKustomizeBuild(t, dir)
			if code != 0 {
				t.Fatalf("kustomize: exit %d\n%s", code, kerr)
			}
			krmCompare(t, krmManifests(t, want.String()), krmManifests(t, got))
		})
	}
}

func krmCompare(t *testing.T, want, got map[string]interface{}) {
	t.Helper()
	if len(want) == 0 {
		t.Fatal("no manifests rendered")
	}
	for id, w := range want {
		g, ok := got[id]
		if !ok {
			t.Errorf("%s: missing from the function's output", id)
			continue
		}
		if !reflect.DeepEqual(w, g) {
			wj, _ := json.MarshalIndent(w, "", " ")
			gj, _ := json.MarshalIndent(g, "", " ")
			t.Errorf("%s differs:\n--- render\n%s\n--- fn\n%s", id, wj, gj)
		}
	}
	for id := range got {
		if _, ok := want[id]; !ok {
			t.Errorf("%s: only in the function's output", id)
		}
	}
}

// manifests decodes a stream into plain values by "apiVersion/kind/namespace/name",
// without the annotations kustomize and kpt manage (config.kubernetes.io/*,
// internal.config.kubernetes.io/*).
func krmManifests(t *testing.T, s string) map[string]interface{} {
	t.Helper()
	docs, err := stream.Read([]byte(s), stream.DefaultLimits)
	if err != nil {
		t.Fatalf("reading output: %v", err)
	}
	out := map[string]interface{}{}
	for _, d := range docs {
		if d.Node == nil || d.Node.GetKind() == "" {
			continue
		}
		b, err := d.Node.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		var v map[string]interface{}
		if err := json.Unmarshal(b, &v); err != nil {
			t.Fatal(err)
		}
		krmStripAnnotations(v)
		id := d.Node.GetApiVersion() + "/" + d.Node.GetKind() + "/" + d.Node.GetNamespace() + "/" + d.Node.GetName()
		out[id] = v
	}
	return out
}

func krmStripAnnotations(v map[string]interface{}) {
	meta, _ := v["metadata"].(map[string]interface{})
	ann, _ := meta["annotations"].(map[string]interface{})
	for k := range ann {
		if strings.HasPrefix(k, "config.kubernetes.io/") || strings.HasPrefix(k, "internal.config.kubernetes.io/") || strings.HasPrefix(k, "config.k8s.io/") {
			delete(ann, k)
		}
	}
	// kustomize drops an annotations map it emptied, and one that was null
	// (ingress-nginx renders "annotations:" with nothing under it).
	if a, ok := meta["annotations"]; ok && (a == nil || len(ann) == 0) {
		delete(meta, "annotations")
	}
}

func krmLookup(v interface{}, path string) string {
	for _, p := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]interface{}:
			v = x[p]
		case []interface{}:
			i := int(p[0] - '0')
			if i >= len(x) {
				return ""
			}
			v = x[i]
		default:
			return ""
		}
	}
	if v == nil {
		return ""
	}
	b, _ := json.Marshal(v)
	return strings.Trim(string(b), `"`)
}

// kustomizeBuild runs "kustomize build --enable-alpha-plugins --enable-exec"
// with the preadmit under test first on PATH.
func krmKustomizeBuild(t *testing.T, dir string) (stdout, stderr string, code int) {
	t.Helper()
	kz := krmTool(t, "KUSTOMIZE_BIN", "kustomize")
	cmd := exec.Command(kz, "build", "--enable-alpha-plugins", "--enable-exec", dir)
	cmd.Env = append(os.Environ(), "PATH="+filepath.Dir(krmBinary(t))+string(os.PathListSeparator)+os.Getenv("PATH"))
	var o, e bytes.Buffer
	cmd.Stdout, cmd.Stderr = &o, &e
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
	case errors.As(err, &ee):
		code = ee.ExitCode()
	default:
		t.Fatalf("running kustomize: %v", err)
	}
	return o.String(), e.String(), code
}

// toolBinary finds a tool by its env variable, PATH, or the repository's
// bin/; the test is skipped only when none has it.
func krmTool(t *testing.T, env, name string) string {
	t.Helper()
	if p := os.Getenv(env); p != "" {
		return p
	}
	if p, err := exec.LookPath(name); err == nil {
		return p
	}
	if p, err := filepath.Abs(filepath.Join("../../bin", name)); err == nil {
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Skipf("%s not found (set %s)", name, env)
	return ""
}

var (
	krmBuildOnce sync.Once
	krmBuiltPath string
	krmBuildErr  error
)

// preadmitBinary builds the command under test once per test run.
func krmBinary(t *testing.T) string {
	t.Helper()
	krmBuildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "preadmit-fn-test")
		if err != nil {
			krmBuildErr = err
			return
		}
		krmBuiltPath = filepath.Join(dir, "preadmit")
		out, err := exec.Command("go", "build", "-o", krmBuiltPath, ".").CombinedOutput()
		if err != nil {
			krmBuildErr = &krmBuildError{out: string(out), err: err}
		}
	})
	if krmBuildErr != nil {
		t.Fatalf("building preadmit: %v", krmBuildErr)
	}
	return krmBuiltPath
}

type krmBuildError struct {
	out string
	err error
}

func (e *krmBuildError) Error() string { return e.err.Error() + "\n" + e.out }

func krmCopyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	err := filepath.WalkDir(src, func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
	return dst
}

func krmRead(t *testing.T, p string) string {
	t.Helper()
	b, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func krmWrite(t *testing.T, p, s string) {
	t.Helper()
	if err := os.WriteFile(p, []byte(s), 0o644); err != nil {
		t.Fatal(err)
	}
}

// kptFunction is a Kptfile pipeline entry (kpt.dev/v1 Function), decoded
// strictly so that a misspelt field fails the test.
type kptFunction struct {
	Image      string            `json:"image,omitempty"`
	Exec       string            `json:"exec,omitempty"`
	ConfigPath string            `json:"configPath,omitempty"`
	ConfigMap  map[string]string `json:"configMap,omitempty"`
	Name       string            `json:"name,omitempty"`
	Selectors  []interface{}     `json:"selectors,omitempty"`
	Exclude    []interface{}     `json:"exclude,omitempty"`
}

type kptfile struct {
	APIVersion string                 `json:"apiVersion"`
	Kind       string                 `json:"kind"`
	Metadata   map[string]interface{} `json:"metadata"`
	Info       map[string]interface{} `json:"info,omitempty"`
	Pipeline   struct {
		Mutators   []kptFunction `json:"mutators"`
		Validators []kptFunction `json:"validators"`
	} `json:"pipeline"`
}

// TestFnKptExample checks krm-functions/kpt without kpt (TestKptRender
// runs it with kpt): the Kptfile's structure, and then its pipeline played
// the way "kpt fn render" does — the package's resources in a
// ResourceList, each function with its config, mutators then validators.
func TestFnKptExample(t *testing.T) {
	const dir = "../../krm-functions/kpt"
	kn, err := yaml.Parse(krmRead(t, filepath.Join(dir, "Kptfile")))
	if err != nil {
		t.Fatal(err)
	}
	b, err := kn.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	var kf kptfile
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&kf); err != nil {
		t.Fatalf("Kptfile: %v", err)
	}
	if kf.APIVersion != "kpt.dev/v1" || kf.Kind != "Kptfile" || len(kf.Pipeline.Mutators) == 0 || len(kf.Pipeline.Validators) == 0 {
		t.Fatalf("Kptfile: want kpt.dev/v1 Kptfile with mutators and validators, got %+v", kf)
	}
	items := []string{krmRead(t, filepath.Join(dir, "app.yaml"))}
	steps := append(append([]kptFunction{}, kf.Pipeline.Mutators...), kf.Pipeline.Validators...)
	for i, f := range steps {
		if f.Exec != "preadmit fn" || f.Image != "" {
			t.Fatalf("step %d: want exec \"preadmit fn\", got %+v", i, f)
		}
		var config string
		switch {
		case f.ConfigPath != "" && len(f.ConfigMap) == 0:
			config = krmRead(t, filepath.Join(dir, f.ConfigPath))
		case f.ConfigMap != nil && f.ConfigPath == "":
			cm, _ := json.Marshal(map[string]interface{}{"apiVersion": "v1", "kind": "ConfigMap",
				"metadata": map[string]string{"name": "function-input"}, "data": f.ConfigMap})
			config = string(cm)
		default:
			t.Fatalf("step %d: exactly one of configPath and configMap", i)
		}
		out := krmRunFn(t, config, items)
		items = []string{out}
	}
	got := krmManifests(t, items[0])
	web := got["apps/v1/Deployment//web"]
	if img := krmLookup(web, "spec.template.spec.containers.0.image"); img != "mirror.corp.example/nginx:1.27.3" {
		t.Errorf("mutator did not run: image %q", img)
	}
}

// krmRunFn runs "preadmit fn" in process on a ResourceList of the given
// functionConfig and resource streams; it returns the items as a stream.
func krmRunFn(t *testing.T, config string, streams []string) string {
	t.Helper()
	fc, err := yaml.Parse(config)
	if err != nil {
		t.Fatal(err)
	}
	rl := yaml.NewMapRNode(nil)
	_ = rl.PipeE(yaml.SetField("apiVersion", yaml.NewStringRNode("config.kubernetes.io/v1")))
	_ = rl.PipeE(yaml.SetField("kind", yaml.NewStringRNode("ResourceList")))
	list := yaml.NewListRNode()
	for _, s := range streams {
		docs, err := stream.Read([]byte(s), stream.DefaultLimits)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range docs {
			if d.Node != nil {
				list.YNode().Content = append(list.YNode().Content, d.Node.YNode())
			}
		}
	}
	_ = rl.PipeE(yaml.SetField("items", list))
	_ = rl.PipeE(yaml.SetField("functionConfig", fc))
	var stdout, stderr bytes.Buffer
	if code := run(context.Background(), []string{"fn"}, strings.NewReader(rl.MustString()), &stdout, &stderr); code != 0 {
		t.Fatalf("preadmit fn: exit %d\n%s", code, stderr.String())
	}
	out, err := yaml.Parse(stdout.String())
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	itemsNode, _ := out.Pipe(yaml.Lookup("items"))
	elems, _ := itemsNode.Elements()
	for _, e := range elems {
		b.WriteString("---\n" + e.MustString())
	}
	return b.String()
}

// TestFnConfigSchema validates every Preadmit functionConfig the examples and
// the golden cases ship against docs/schema/preadmit-fn-config.schema.json,
// and a misspelt field against it too.
func TestFnConfigSchema(t *testing.T) {
	f, err := os.Open("../../docs/schema/preadmit-fn-config.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	if err := c.AddResource("preadmit-fn-config.schema.json", doc); err != nil {
		t.Fatal(err)
	}
	schema, err := c.Compile("preadmit-fn-config.schema.json")
	if err != nil {
		t.Fatal(err)
	}
	instance := func(t *testing.T, s string) interface{} {
		n, err := yaml.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		b, err := n.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	files, _ := filepath.Glob("../../krm-functions/*/preadmit*.yaml")
	if len(files) < 4 {
		t.Fatalf("found only %v", files)
	}
	for _, file := range files {
		if err := schema.Validate(instance(t, krmRead(t, file))); err != nil {
			t.Errorf("%s: %v", file, err)
		}
	}
	bad := "apiVersion: fn.preadmit.io/v1alpha1\nkind: Preadmit\nspec:\n  modes: enforce\n"
	if err := schema.Validate(instance(t, bad)); err == nil {
		t.Error("the schema accepts an unknown field")
	}
}
