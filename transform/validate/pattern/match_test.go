package pattern

import (
	"errors"
	"testing"

	"github.com/preadmit/preadmit/transform/anchor"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

func mustCompile(t testing.TB, src string) *Pattern {
	t.Helper()
	p, err := Compile(yaml.MustParse(src))
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return p
}

const docs = "https://kyverno.io/docs/writing-policies/validate/"

func TestMatch(t *testing.T) {
	tests := []struct {
		name     string
		pattern  string
		resource string
		status   Status
		path     string
	}{
		// Basic validations: docs#basic-validations.
		{
			name:     "docs basic label pass",
			pattern:  "metadata:\n  labels:\n    purpose: production\n",
			resource: "metadata:\n  name: prod-bus-app1\n  labels:\n    purpose: production\n",
			status:   Pass,
		},
		{
			name:     "docs basic label fail",
			pattern:  "metadata:\n  labels:\n    purpose: production\n",
			resource: "metadata:\n  name: prod-bus-app1\n  labels:\n    purpose: development\n",
			status:   Fail, path: "metadata.labels.purpose",
		},
		{
			name:     "docs basic no labels",
			pattern:  "metadata:\n  labels:\n    purpose: production\n",
			resource: "metadata:\n  name: prod-bus-app1\n",
			status:   Fail, path: "metadata.labels",
		},
		// Wildcards: docs#wildcards.
		{
			name:     "docs requests and limits",
			pattern:  "spec:\n  containers:\n  - name: \"*\"\n    resources:\n      limits:\n        memory: \"?*\"\n      requests:\n        memory: \"?*\"\n        cpu: \"?*\"\n",
			resource: "spec:\n  containers:\n  - name: a\n    resources: {limits: {memory: 1Gi}, requests: {memory: 1Gi, cpu: 100m}}\n  - name: b\n    resources: {limits: {memory: 1Gi}, requests: {memory: 1Gi}}\n",
			status:   Fail, path: "spec.containers[1].resources.requests.cpu",
		},
		{
			name:     "dotted label key is quoted",
			pattern:  "metadata:\n  labels:\n    app.kubernetes.io/name: \"?*\"\n",
			resource: "metadata:\n  labels:\n    app.kubernetes.io/name: \"\"\n",
			status:   Fail, path: `metadata.labels["app.kubernetes.io/name"]`,
		},
		{
			name:     "star on missing field fails",
			pattern:  "spec:\n  x: \"*\"\n",
			resource: "spec: {}\n",
			status:   Fail, path: "spec.x",
		},
		{
			name:     "star on null field fails",
			pattern:  "spec:\n  x: \"*\"\n",
			resource: "spec: {x: null}\n",
			status:   Fail, path: "spec.x",
		},
		{
			name:     "star on object passes",
			pattern:  "spec:\n  x: \"*\"\n",
			resource: "spec: {x: {a: 1}}\n",
			status:   Pass,
		},
		{
			name:     "null pattern on missing field passes",
			pattern:  "spec:\n  hostNetwork: null\n",
			resource: "spec: {}\n",
			status:   Pass,
		},
		{
			name:     "wildcard label key",
			pattern:  "metadata:\n  labels:\n    \"app.kubernetes.io/*\": \"?*\"\n",
			resource: "metadata:\n  labels:\n    app.kubernetes.io/name: \"\"\n",
			status:   Fail, path: `metadata.labels["app.kubernetes.io/name"]`,
		},
		// Operators: docs#operators.
		{
			name:     "docs replicas >=2 pass",
			pattern:  "spec:\n  replicas: \">=2\"\n",
			resource: "spec:\n  replicas: 3\n",
			status:   Pass,
		},
		{
			name:     "docs replicas >=2 fail",
			pattern:  "spec:\n  replicas: \">=2\"\n",
			resource: "spec:\n  replicas: 1\n",
			status:   Fail, path: "spec.replicas",
		},
		// Conditional anchor: docs#anchors.
		{
			name:     "docs conditional latest then policy",
			pattern:  "spec:\n  containers:\n  - (image): \"*:latest\"\n    imagePullPolicy: \"!IfNotPresent\"\n",
			resource: "spec:\n  containers:\n  - image: nginx:latest\n    imagePullPolicy: IfNotPresent\n",
			status:   Fail, path: "spec.containers[0].imagePullPolicy",
		},
		{
			name:     "conditional skips non-matching elements",
			pattern:  "spec:\n  containers:\n  - (image): \"*:latest\"\n    imagePullPolicy: \"!IfNotPresent\"\n",
			resource: "spec:\n  containers:\n  - image: nginx:1.25\n    imagePullPolicy: IfNotPresent\n  - image: redis:latest\n    imagePullPolicy: Always\n",
			status:   Pass,
		},
		{
			name:     "conditional never met skips the rule",
			pattern:  "spec:\n  containers:\n  - (image): \"*:latest\"\n    imagePullPolicy: \"!IfNotPresent\"\n",
			resource: "spec:\n  containers:\n  - image: nginx:1.25\n",
			status:   Skip, path: "spec.containers",
		},
		{
			name:     "conditional key missing skips",
			pattern:  "spec:\n  (hostNetwork): true\n  hostPort: \"!*\"\n",
			resource: "spec: {}\n",
			status:   Skip, path: "spec.hostNetwork",
		},
		{
			name:     "docs conditional dockersock skip",
			pattern:  "metadata:\n  labels:\n    allow-docker: \"true\"\n(spec):\n  (volumes):\n  - (hostPath):\n      path: \"/var/run/docker.sock\"\n",
			resource: "metadata:\n  labels: {}\nspec:\n  volumes:\n  - name: data\n    emptyDir: {}\n",
			status:   Skip,
		},
		{
			name:     "docs conditional dockersock fail",
			pattern:  "metadata:\n  labels:\n    allow-docker: \"true\"\n(spec):\n  (volumes):\n  - (hostPath):\n      path: \"/var/run/docker.sock\"\n",
			resource: "metadata:\n  labels: {}\nspec:\n  volumes:\n  - name: sock\n    hostPath: {path: /var/run/docker.sock}\n",
			status:   Fail, path: "metadata.labels.allow-docker",
		},
		// Equality anchor: docs#anchors-and-child-elements-conditional-and-equality.
		{
			name:     "docs equality dockersock fail",
			pattern:  "=(spec):\n  =(volumes):\n  - =(hostPath):\n      path: \"!/var/run/docker.sock\"\n",
			resource: "spec:\n  volumes:\n  - name: a\n    emptyDir: {}\n  - name: sock\n    hostPath: {path: /var/run/docker.sock}\n",
			status:   Fail, path: "spec.volumes[1].hostPath.path",
		},
		{
			name:     "docs equality dockersock absent",
			pattern:  "=(spec):\n  =(volumes):\n  - =(hostPath):\n      path: \"!/var/run/docker.sock\"\n",
			resource: "spec:\n  containers: []\n",
			status:   Pass,
		},
		{
			name:     "equality scalar must match when present",
			pattern:  "spec:\n  =(hostNetwork): false\n",
			resource: "spec:\n  hostNetwork: true\n",
			status:   Fail, path: "spec.hostNetwork",
		},
		// Existence anchor: docs#existence-anchor-at-least-one.
		{
			name:     "docs existence nginx pass",
			pattern:  "spec:\n  ^(containers):\n  - image: nginx:latest\n",
			resource: "spec:\n  containers:\n  - image: redis\n  - image: nginx:latest\n",
			status:   Pass,
		},
		{
			name:     "docs existence nginx fail",
			pattern:  "spec:\n  ^(containers):\n  - image: nginx:latest\n",
			resource: "spec:\n  containers:\n  - image: redis\n",
			status:   Fail, path: "spec.containers",
		},
		{
			name:     "docs wildcard every container",
			pattern:  "spec:\n  containers:\n  - name: \"*\"\n    image: nginx:latest\n",
			resource: "spec:\n  containers:\n  - name: a\n    image: nginx:latest\n  - name: b\n    image: redis\n",
			status:   Fail, path: "spec.containers[1].image",
		},
		{
			name:     "existence on a non-list fails",
			pattern:  "spec:\n  ^(containers):\n  - image: nginx\n",
			resource: "spec:\n  containers: nginx\n",
			status:   Fail, path: "spec.containers",
		},
		// Negation anchor: docs#anchors.
		{
			name:     "docs negation hostPath",
			pattern:  "spec:\n  volumes:\n  - X(hostPath): \"null\"\n",
			resource: "spec:\n  volumes:\n  - name: a\n    hostPath: {path: /}\n",
			status:   Fail, path: "spec.volumes[0].hostPath",
		},
		{
			name:     "negation absent passes",
			pattern:  "spec:\n  volumes:\n  - X(hostPath): \"null\"\n",
			resource: "spec:\n  volumes:\n  - name: a\n    emptyDir: {}\n",
			status:   Pass,
		},
		{
			name:     "negation inside a conditional skips",
			pattern:  "spec:\n  (securityContext):\n    X(privileged): \"*\"\n  hostPID: false\n",
			resource: "spec:\n  securityContext: {privileged: true}\n  hostPID: true\n",
			status:   Skip, path: "spec.securityContext.privileged",
		},
		// Global anchor: docs#global-anchor.
		{
			name:     "docs global anchor blocks",
			pattern:  "spec:\n  containers:\n  - name: \"*\"\n    <(image): \"corp.reg.com/*\"\n  imagePullSecrets:\n  - name: my-registry-secret\n",
			resource: "spec:\n  containers:\n  - name: web\n    image: corp.reg.com/nginx\n  imagePullSecrets:\n  - name: other-secret\n",
			status:   Fail, path: "spec.imagePullSecrets[0].name",
		},
		{
			name:     "docs global anchor skips",
			pattern:  "spec:\n  containers:\n  - name: \"*\"\n    <(image): \"corp.reg.com/*\"\n  imagePullSecrets:\n  - name: my-registry-secret\n",
			resource: "spec:\n  containers:\n  - name: web\n    image: docker.io/nginx\n",
			status:   Skip, path: "spec.containers",
		},
		{
			name:     "global anchor absent key passes through",
			pattern:  "spec:\n  <(hostNetwork): true\n  dnsPolicy: ClusterFirstWithHostNet\n",
			resource: "spec:\n  dnsPolicy: Default\n",
			status:   Fail, path: "spec.dnsPolicy",
		},
		{
			name:     "global anchor not met skips the rule",
			pattern:  "spec:\n  <(hostNetwork): true\n  dnsPolicy: ClusterFirstWithHostNet\n",
			resource: "spec:\n  hostNetwork: false\n  dnsPolicy: Default\n",
			status:   Skip, path: "spec.hostNetwork",
		},
		// Structure.
		{
			name:     "map pattern against scalar",
			pattern:  "spec:\n  securityContext:\n    runAsNonRoot: true\n",
			resource: "spec:\n  securityContext: oops\n",
			status:   Fail, path: "spec.securityContext",
		},
		{
			name:     "list pattern against map",
			pattern:  "spec:\n  containers:\n  - name: a\n",
			resource: "spec:\n  containers: {name: a}\n",
			status:   Fail, path: "spec.containers",
		},
		{
			name:     "scalar list pattern checks every item",
			pattern:  "spec:\n  args:\n  - \"!--privileged\"\n",
			resource: "spec:\n  args: [--a, --privileged]\n",
			status:   Fail, path: "spec.args[1]",
		},
		{
			name:     "scalar pattern over a list checks every item",
			pattern:  "spec:\n  args: \"--*\"\n",
			resource: "spec:\n  args: [--a, -b]\n",
			status:   Fail, path: "spec.args[1]",
		},
		{
			name:     "list of lists is positional",
			pattern:  "m:\n- [a]\n- [b]\n",
			resource: "m:\n- [a]\n- [c]\n",
			status:   Fail, path: "m[1][0]",
		},
		{
			name:     "list of lists too short",
			pattern:  "m:\n- [a]\n- [b]\n",
			resource: "m:\n- [a]\n",
			status:   Fail, path: "m",
		},
		{
			name:     "empty list pattern fails",
			pattern:  "spec:\n  containers: []\n",
			resource: "spec:\n  containers: [{name: a}]\n",
			status:   Fail, path: "spec.containers",
		},
		{
			name:     "empty resource list passes",
			pattern:  "spec:\n  containers:\n  - image: nginx\n",
			resource: "spec:\n  containers: []\n",
			status:   Pass,
		},
		{
			name:     "aliases in the resource are followed",
			pattern:  "spec:\n  containers:\n  - securityContext:\n      privileged: false\n",
			resource: "x: &sc {privileged: true}\nspec:\n  containers:\n  - securityContext: *sc\n",
			status:   Fail, path: "spec.containers[0].securityContext.privileged",
		},
		{
			name:     "merge keys in the resource are followed",
			pattern:  "spec:\n  replicas: \">1\"\n",
			resource: "base: &b {replicas: 3}\nspec:\n  <<: *b\n",
			status:   Pass,
		},
		{
			name:     "explicit key overrides merge key",
			pattern:  "spec:\n  replicas: \">1\"\n",
			resource: "base: &b {replicas: 3}\nspec:\n  <<: *b\n  replicas: 1\n",
			status:   Fail, path: "spec.replicas",
		},
		{
			name:     "nested anchors checked before plain keys",
			pattern:  "metadata:\n  name: never\nspec:\n  containers:\n  - (name): nginx\n    image: \"nginx:*\"\n",
			resource: "metadata:\n  name: x\nspec:\n  containers:\n  - name: redis\n    image: redis\n",
			status:   Skip, path: "spec.containers",
		},
		// A null annotations, labels, matchLabels, nodeSelector, data or
		// stringData reads as an empty map, as the Kyverno CLI's
		// normalizeNilMaps makes it (the API server drops it).
		{
			name:     "null annotations is an empty map (restrict-apparmor-profiles)",
			pattern:  "=(metadata):\n  =(annotations):\n    =(container.apparmor.security.beta.kubernetes.io/*): \"runtime/default | localhost/*\"\n",
			resource: "metadata:\n  name: p\n  annotations:\n",
			status:   Pass,
		},
		{
			name:     "null labels is an empty map: a required label is missing",
			pattern:  "metadata:\n  labels:\n    app: \"?*\"\n",
			resource: "metadata:\n  labels: ~\n",
			status:   Fail, path: "metadata.labels.app",
		},
		{
			name:     "null nodeSelector in a pod template",
			pattern:  "spec:\n  template:\n    spec:\n      =(nodeSelector):\n        =(zone): \"eu-*\"\n",
			resource: "spec:\n  template:\n    spec:\n      nodeSelector: null\n",
			status:   Pass,
		},
		{
			name:     "null data is an empty map",
			pattern:  "=(data):\n  X(password): \"null\"\n",
			resource: "data:\n",
			status:   Pass,
		},
		{
			name:     "null of another field stays null",
			pattern:  "spec:\n  =(securityContext):\n    =(runAsNonRoot): true\n",
			resource: "spec:\n  securityContext:\n",
			status:   Fail, path: "spec.securityContext",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := mustCompile(t, tt.pattern)
			res := yaml.MustParse(tt.resource)
			before := res.MustString()
			got := p.Match(res)
			if got.Status != tt.status || (tt.path != "" && got.Path != tt.path) {
				t.Fatalf("Match = %+v, want status %s path %q (see %s)", got, tt.status, tt.path, docs)
			}
			if got.Status != Pass && got.Message == "" {
				t.Fatalf("Match = %+v: no message", got)
			}
			if after := res.MustString(); after != before {
				t.Fatalf("Match modified the resource:\n%s\nwas\n%s", after, before)
			}
		})
	}
}

func TestAnyPattern(t *testing.T) {
	// https://kyverno.io/docs/writing-policies/validate/#anypattern
	patterns := []string{
		"spec:\n  securityContext:\n    runAsNonRoot: true\n  containers:\n  - =(securityContext):\n      =(runAsNonRoot): true\n  =(initContainers):\n  - =(securityContext):\n      =(runAsNonRoot): true\n",
		"spec:\n  containers:\n  - securityContext:\n      runAsNonRoot: true\n  =(initContainers):\n  - securityContext:\n      runAsNonRoot: true\n",
	}
	var nodes []*yaml.RNode
	for _, p := range patterns {
		nodes = append(nodes, yaml.MustParse(p))
	}
	ap, err := CompileAny(nodes)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, resource string
		status         Status
		path           string
	}{
		{"pod level", "spec:\n  securityContext: {runAsNonRoot: true}\n  containers:\n  - name: a\n", Pass, ""},
		{"container level", "spec:\n  containers:\n  - name: a\n    securityContext: {runAsNonRoot: true}\n", Pass, ""},
		{"neither", "spec:\n  containers:\n  - name: a\n", Fail, "spec.securityContext"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ap.Match(yaml.MustParse(tt.resource))
			if got.Status != tt.status || got.Path != tt.path {
				t.Fatalf("Match = %+v, want %s %q", got, tt.status, tt.path)
			}
		})
	}

	// Every pattern skipped: the rule is skipped; one failure makes it fail.
	skipAll, err := CompileAny([]*yaml.RNode{
		yaml.MustParse("spec:\n  (hostNetwork): true\n  x: 1\n"),
		yaml.MustParse("spec:\n  (hostPID): true\n  x: 1\n"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := skipAll.Match(yaml.MustParse("spec: {}\n")); got.Status != Skip {
		t.Fatalf("all skipped: %+v", got)
	}
	mixed, err := CompileAny([]*yaml.RNode{
		yaml.MustParse("spec:\n  (hostNetwork): true\n  x: 1\n"),
		yaml.MustParse("spec:\n  x: 2\n"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := mixed.Match(yaml.MustParse("spec: {x: 3}\n")); got.Status != Fail {
		t.Fatalf("skip + fail: %+v", got)
	}
	empty, err := CompileAny(nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := empty.Match(yaml.MustParse("a: 1\n")); got.Status != Pass {
		t.Fatalf("empty anyPattern: %+v", got)
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name, pattern, path string
		check               func(error) bool
	}{
		{"unknown anchor", "spec:\n  containers:\n  - ~(name): x\n", "spec.containers[0].~(name)", func(err error) bool {
			var ue *anchor.UnknownError
			return errors.As(err, &ue)
		}},
		{"add anchor in validate", "spec:\n  +(x): 1\n", "spec.+(x)", func(err error) bool { return errors.Is(err, ErrAnchorNotAllowed) }},
		{"bad operator", "spec:\n  replicas: \">two\"\n", "spec.replicas", func(err error) bool {
			var ve *ValueError
			return errors.As(err, &ve)
		}},
		{"existence on a map", "spec:\n  ^(containers):\n    name: x\n", "spec.^(containers)", nil},
		{"existence on scalars", "spec:\n  ^(args):\n  - x\n", "spec.^(args)", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Compile(yaml.MustParse(tt.pattern))
			var ce *CompileError
			if !errors.As(err, &ce) {
				t.Fatalf("Compile error = %v, want *CompileError", err)
			}
			if ce.Path != tt.path {
				t.Fatalf("CompileError.Path = %q, want %q (%v)", ce.Path, tt.path, err)
			}
			if tt.check != nil && !tt.check(err) {
				t.Fatalf("unexpected error type: %v", err)
			}
		})
	}
	if _, err := CompileAny([]*yaml.RNode{yaml.MustParse("a: 1\n"), yaml.MustParse("b: \">x\"\n")}); err == nil {
		t.Fatal("CompileAny accepted a bad pattern")
	} else {
		var ae *AnyError
		if !errors.As(err, &ae) || ae.Index != 1 {
			t.Fatalf("CompileAny error = %v, want *AnyError for index 1", err)
		}
	}
}

func TestRenderPath(t *testing.T) {
	segs := []segment{{key: "metadata", index: -1}, {key: "labels", index: -1}, {key: "app.kubernetes.io/name", index: -1}}
	if got, want := renderPath(segs), `metadata.labels["app.kubernetes.io/name"]`; got != want {
		t.Fatalf("renderPath = %s, want %s", got, want)
	}
	segs = []segment{{key: "a b", index: -1}, {index: 2}, {key: "c", index: -1}}
	if got, want := renderPath(segs), `["a b"][2].c`; got != want {
		t.Fatalf("renderPath = %s, want %s", got, want)
	}
}
