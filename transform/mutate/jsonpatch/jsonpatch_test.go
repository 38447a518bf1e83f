package jsonpatch

import (
	"errors"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const pod = `# Source: chart/templates/pod.yaml
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web # keep me
    purpose: demo
spec:
  containers:
  - name: app
    image: app:1.0
  tolerations: []
`

func TestApply(t *testing.T) {
	tests := []struct {
		name, resource, ops, want string
		wantErr                   error
	}{
		{
			// https://kyverno.io/docs/writing-policies/mutate/#rfc-6902-jsonpatch (policy-patch-cm)
			name:     "docs add configmap entries",
			resource: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-game\ndata:\n  a: b\n",
			ops: `- path: "/data/ship.properties"
  op: add
  value: |
    type=starship
    owner=utany.corp
- path: "/data/newKey1"
  op: add
  value: newValue1
`,
			want: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-game\ndata:\n  a: b\n  ship.properties: |\n    type=starship\n    owner=utany.corp\n  newKey1: newValue1\n",
		},
		{
			// https://kyverno.io/docs/writing-policies/mutate/#rfc-6902-jsonpatch (policy-add-cm)
			name:     "docs add missing data map",
			resource: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-game\n",
			ops: `- path: "/data"
  op: add
  value:
    ship.properties: '{"type": "starship", "owner": "utany.corp"}'
`,
			want: "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: config-game\ndata:\n  ship.properties: '{\"type\": \"starship\", \"owner\": \"utany.corp\"}'\n",
		},
		{
			// https://kyverno.io/docs/writing-policies/mutate/#rfc-6902-jsonpatch (policy-remove-label)
			name:     "docs remove label",
			resource: pod,
			ops:      "- path: \"/metadata/labels/purpose\"\n  op: remove\n",
			want:     "# Source: chart/templates/pod.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web # keep me\nspec:\n  containers:\n  - name: app\n    image: app:1.0\n  tolerations: []\n",
		},
		{
			// https://kyverno.io/docs/writing-policies/mutate/#rfc-6902-jsonpatch (insert-container)
			name:     "docs insert container and command",
			resource: pod,
			ops: `- op: add
  path: "/spec/containers/1"
  value:
    name: busybox
    image: busybox:latest
- op: add
  path: "/spec/containers/1/command"
  value:
  - ls
`,
			want: "# Source: chart/templates/pod.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web # keep me\n    purpose: demo\nspec:\n  containers:\n  - name: app\n    image: app:1.0\n  - name: busybox\n    image: busybox:latest\n    command:\n    - ls\n  tolerations: []\n",
		},
		{
			// https://kyverno.io/docs/writing-policies/mutate/#rfc-6902-jsonpatch (tolerations "-")
			name:     "docs append toleration",
			resource: pod,
			ops:      `[{"op": "add", "path": "/spec/tolerations/-", "value": {"key": "networkzone", "operator": "Equal", "value": "dmz", "effect": "NoSchedule"}}]`,
			want:     "# Source: chart/templates/pod.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: web # keep me\n    purpose: demo\nspec:\n  containers:\n  - name: app\n    image: app:1.0\n  tolerations:\n  - key: networkzone\n    operator: Equal\n    value: dmz\n    effect: NoSchedule\n",
		},
		{
			// https://kyverno.io/docs/writing-policies/mutate/#rfc-6902-jsonpatch (~1 escaping)
			name:     "docs escaped key creates path",
			resource: "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec: {}\n",
			ops:      "- op: add\n  path: /spec/template/metadata/annotations/config.linkerd.io~1skip-outbound-ports\n  value: \"8200\"\n",
			want:     "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n    spec: {}\n    metadata:\n      annotations:\n        config.linkerd.io/skip-outbound-ports: \"8200\"\n",
		},
		{
			name:     "tilde escape and negative index",
			resource: "a:\n  x~y: [1, 2, 3]\n",
			ops:      "- {op: replace, path: /a/x~0y/-1, value: 9}\n- {op: add, path: /a/x~0y/-1, value: 8}\n",
			want:     "a:\n  x~y: [1, 2, 9, 8]\n",
		},
		{
			name:     "create list padded with nulls",
			resource: "a: {}\n",
			ops:      "- {op: add, path: /a/b/1/c, value: true}\n",
			want:     "a: {b: [null, {c: true}]}\n",
		},
		{
			name:     "replace keeps line comment",
			resource: pod,
			ops:      "- {op: replace, path: /metadata/labels/app, value: api}\n",
			want:     "# Source: chart/templates/pod.yaml\napiVersion: v1\nkind: Pod\nmetadata:\n  name: web\n  labels:\n    app: api # keep me\n    purpose: demo\nspec:\n  containers:\n  - name: app\n    image: app:1.0\n  tolerations: []\n",
		},
		{
			name:     "move and copy",
			resource: "a: 1\nb: {c: 2}\n",
			ops:      "- {op: copy, from: /b/c, path: /d}\n- {op: move, from: /a, path: /b/a}\n",
			want:     "b: {c: 2, a: 1}\nd: 2\n",
		},
		{
			name:     "test passes",
			resource: "a: 1\nb: [x, {y: z}]\n",
			ops:      `[{"op":"test","path":"/a","value":1.0},{"op":"test","path":"/b","value":["x",{"y":"z"}]},{"op":"test","path":"/nope","value":null},{"op":"add","path":"/ok","value":"yes"}]`,
			want:     "a: 1\nb: [x, {y: z}]\nok: \"yes\"\n",
		},
		{
			name:     "remove missing is fine",
			resource: "a: 1\n",
			ops:      "- {op: remove, path: /b/c}\n- {op: remove, path: /a}\n",
			want:     "{}\n",
		},
		{name: "test fails", resource: "a: 1\n", ops: `[{"op":"test","path":"/a","value":"1"}]`, wantErr: ErrTestFailed},
		{name: "replace missing", resource: "a: 1\n", ops: `[{"op":"replace","path":"/b","value":1}]`, wantErr: ErrMissing},
		{name: "index out of range", resource: "a: [1]\n", ops: `[{"op":"add","path":"/a/5","value":1}]`, wantErr: ErrInvalidIndex},
		{name: "through a scalar", resource: "a: 1\n", ops: `[{"op":"add","path":"/a/b/c","value":1}]`, wantErr: ErrWrongType},
		{name: "failed patch is atomic", resource: "a: 1\n", ops: `[{"op":"add","path":"/b","value":2},{"op":"test","path":"/a","value":2}]`, wantErr: ErrTestFailed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Compile(tt.ops)
			if err != nil {
				t.Fatal(err)
			}
			r := yaml.MustParse(tt.resource)
			before := r.MustString()
			root := r.YNode()
			_, err = p.Apply(r)
			if tt.wantErr != nil {
				var oe *OpError
				if !errors.Is(err, tt.wantErr) || !errors.As(err, &oe) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if got := r.MustString(); got != before {
					t.Fatalf("resource changed by a failed patch:\n%s", got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.YNode() != root {
				t.Fatal("root node replaced")
			}
			if got := r.MustString(); got != tt.want {
				t.Fatalf("got:\n%s\nwant:\n%s", got, tt.want)
			}
		})
	}
}

func TestCompileErrors(t *testing.T) {
	for _, ops := range []string{
		"op: add",
		"- {op: frob, path: /a}",
		"- {op: add, path: a, value: 1}",
		"- {op: add, path: /a}",
		"- {op: move, path: /a}",
		"- {path: /a}",
		"- 3",
		"[",
		"- &x {op: remove, path: /a}\n- *x",
	} {
		if _, err := Compile(ops); err == nil {
			t.Errorf("Compile(%q): want an error", ops)
		} else if ce := (*CompileError)(nil); !errors.As(err, &ce) {
			t.Errorf("Compile(%q) error %T, want *CompileError", ops, err)
		}
	}
}

func FuzzApply(f *testing.F) {
	f.Add("a: [1, {b: c}]\n", `[{"op":"add","path":"/a/-","value":{"x":1}}]`)
	f.Add(pod, "- {op: move, from: /spec, path: /spec/x}\n")
	f.Add("a: 1\n", "- {op: copy, from: '', path: /b}\n")
	f.Add("a: &x 1\nb: *x\n", "- {op: remove, path: /a}\n")
	f.Add("- 1\n", "- {op: add, path: /0/a/-1, value: 1}\n")
	f.Fuzz(func(t *testing.T, resource, ops string) {
		p, err := Compile(ops)
		if err != nil {
			return
		}
		r, err := yaml.Parse(resource)
		if err != nil {
			return
		}
		_, _ = p.Apply(r)
	})
}

func BenchmarkApplyDeployment(b *testing.B) {
	p, err := Compile(`[{"op":"add","path":"/spec/template/metadata/annotations/a~1b","value":"x"},{"op":"replace","path":"/spec/template/spec/containers/0/image","value":"app:2"},{"op":"add","path":"/spec/template/spec/containers/0/env/-","value":{"name":"X","value":"1"}}]`)
	if err != nil {
		b.Fatal(err)
	}
	doc := "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  template:\n    spec:\n      containers:\n      - name: app\n        image: app:1\n        env: []\n"
	b.ReportAllocs()
	for b.Loop() {
		r := yaml.MustParse(doc)
		if _, err := p.Apply(r); err != nil {
			b.Fatal(err)
		}
	}
}
