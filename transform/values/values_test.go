package values

import (
	"errors"
	"reflect"
	"testing"
)

// The file follows the schema of Kyverno's Values type
// (cmd/cli/kubectl-kyverno/apis/v1alpha1/values_spec.go), every field used.
const valuesFile = `apiVersion: cli.kyverno.io/v1alpha1
kind: Values
metadata:
  name: values
globalValues:
  request.mode: dev
  preadmit.registry: registry.local
policies:
- name: add-labels
  rules:
  - name: add-team
    values:
      team: payments
  resources:
  - name: web
    values:
      request.operation: UPDATE
- name: add-labels
  resources:
  - name: web
    values:
      tier: frontend
namespaceSelector:
- name: prod
  labels:
    env: prod
namespaces:
- apiVersion: v1
  kind: Namespace
  metadata:
    name: prod
    labels:
      env: production
    annotations:
      corp.com/allowed-registries: img.corp.com
`

func TestLoad(t *testing.T) {
	f, err := Load([]byte(valuesFile), "values.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]interface{}{"request.mode": "dev", "preadmit.registry": "registry.local"}; !reflect.DeepEqual(f.Global, want) {
		t.Errorf("Global = %v, want %v", f.Global, want)
	}
	pv := f.Policies["add-labels"]
	if want := map[string]interface{}{"team": "payments"}; !reflect.DeepEqual(pv.Rules["add-team"], want) {
		t.Errorf("rule values = %v, want %v", pv.Rules["add-team"], want)
	}
	if want := map[string]interface{}{"request.operation": "UPDATE", "tier": "frontend"}; !reflect.DeepEqual(pv.Resources["web"], want) {
		t.Errorf("resource values = %v, want %v (entries of one policy merge)", pv.Resources["web"], want)
	}
	if got := f.NamespaceLabels["prod"]["env"]; got != "production" {
		t.Errorf("namespace labels = %v, want namespaces to win over namespaceSelector", f.NamespaceLabels)
	}
	if want := map[string]map[string]string{"prod": {"corp.com/allowed-registries": "img.corp.com"}}; !reflect.DeepEqual(f.NamespaceAnnotations, want) {
		t.Errorf("namespace annotations = %v, want %v (for CEL's namespaceObject)", f.NamespaceAnnotations, want)
	}
	// Older files have no apiVersion and kind.
	if _, err := Load([]byte("globalValues:\n  a: b\n"), "old.yaml"); err != nil {
		t.Errorf("a values file without apiVersion/kind: %v", err)
	}
}

func TestLoadErrors(t *testing.T) {
	for name, doc := range map[string]string{
		"kind":          "apiVersion: v1\nkind: ConfigMap\n",
		"apiVersion":    "apiVersion: cli.kyverno.io/v2\nkind: Values\n",
		"unknown field": "globalValue:\n  a: b\n",
		"policy name":   "policies:\n- rules: [{name: r}]\n",
		"rule name":     "policies:\n- name: p\n  rules: [{values: {a: b}}]\n",
		"resource name": "policies:\n- name: p\n  resources: [{values: {a: b}}]\n",
		"foreachValues": "policies:\n- name: p\n  rules: [{name: r, foreachValues: [{a: [1]}]}]\n",
		"not an object": "- a\n- b\n",
	} {
		_, err := Load([]byte(doc), "v.yaml")
		var fe *FileError
		if !errors.As(err, &fe) || fe.File != "v.yaml" {
			t.Errorf("%s: error %v, want a *FileError naming the file", name, err)
		}
	}
}

func TestParseSet(t *testing.T) {
	got, err := ParseSet([]string{"a=1,b = two", "c=x=y", "a=3"})
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]interface{}{"a": "3", "b": "two", "c": "x=y"}; !reflect.DeepEqual(got, want) {
		t.Errorf("ParseSet = %v, want %v", got, want)
	}
	for _, bad := range []string{"novalue", "=x", "request.object.metadata.name=x"} {
		if _, err := ParseSet([]string{bad}); err == nil {
			t.Errorf("ParseSet(%q) succeeded", bad)
		}
	}
}

func TestContext(t *testing.T) {
	doc := `apiVersion: v1
kind: ConfigMap
metadata: {name: a}
data: {k: v}
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata: {name: b, namespace: other}
  data: {k: w}
- apiVersion: example.com/v1
  kind: TeamQuota
  metadata: {name: web, namespace: apps}
---
apiVersion: cli.kyverno.io/v1alpha1
kind: Context
metadata: {name: ctx}
spec:
  resources:
  - apiVersion: v1
    kind: ConfigMap
    metadata: {name: c, namespace: platform}
    data: {k: x}
  - apiVersion: v1
    kind: Secret
    metadata: {name: s}
  images:
  - image: ghcr.io/org/app:v1
    resolvedImage: ghcr.io/org/app@sha256:abc
    registry: ghcr.io
    repository: org/app
    tag: v1
    config: {architecture: amd64}
    extra: dropped, as the Kyverno CLI's ImageData has no such field
---
apiVersion: example.com/v1
kind: AccessList
metadata: {name: not-a-list}
`
	var c Context
	if err := c.Read([]byte(doc), "ctx.yaml", "apps"); err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"apps/a": "v", "other/b": "w", "platform/c": "x"} {
		cm, ok := c.ConfigMaps[key].(map[string]interface{})
		if !ok {
			t.Errorf("ConfigMap %s missing: %v", key, c.ConfigMaps)
			continue
		}
		if got := cm["data"].(map[string]interface{})["k"]; got != want {
			t.Errorf("%s data.k = %v, want %v", key, got, want)
		}
	}
	if len(c.ConfigMaps) != 3 {
		t.Errorf("got %d ConfigMaps, want 3", len(c.ConfigMaps))
	}
	var objects []string
	for _, o := range c.Objects {
		objects = append(objects, o.GetKind()+" "+o.GetNamespace()+"/"+o.GetName())
	}
	if want := []string{"TeamQuota apps/web", "Secret /s", "AccessList /not-a-list"}; !reflect.DeepEqual(objects, want) {
		t.Errorf("objects = %q, want %q", objects, want)
	}
	img := c.Images["ghcr.io/org/app:v1"]
	if img["registry"] != "ghcr.io" || img["config"] == nil || img["extra"] != nil || len(c.Images) != 1 {
		t.Errorf("images = %v", c.Images)
	}
	for name, bad := range map[string]string{
		"nothing":       "# only a comment\n",
		"no apiVersion": "kind: Secret\nmetadata: {name: s}\n",
		"a values file": "apiVersion: cli.kyverno.io/v1alpha1\nkind: Values\nglobalValues: {a: b}\n",
		"bad image":     "apiVersion: cli.kyverno.io/v1alpha1\nkind: Context\nspec:\n  images:\n  - image: [not, a, string]\n",
	} {
		var c Context
		err := c.Read([]byte(bad), "bad.yaml", "apps")
		var fe *FileError
		if !errors.As(err, &fe) || fe.File != "bad.yaml" {
			t.Errorf("%s: error %v, want a *FileError naming the file", name, err)
		}
	}
}

func FuzzLoad(f *testing.F) {
	f.Add([]byte(valuesFile))
	f.Add([]byte("globalValues: {a: [1, {b: c}]}\n"))
	f.Add([]byte("apiVersion: cli.kyverno.io/v1alpha1\nkind: Context\nspec:\n  resources:\n  - {apiVersion: v1, kind: List, items: [{apiVersion: v1, kind: ConfigMap, metadata: {name: a}}]}\n  images:\n  - {image: nginx, config: {architecture: amd64}}\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) > 1<<16 {
			return
		}
		f, err := Load(b, "fuzz.yaml")
		if err == nil && f == nil {
			t.Fatal("nil file without error")
		}
		_ = new(Context).Read(b, "fuzz.yaml", "default")
	})
}

// A typo in a values file is an error naming the field and the nearest
// name, wherever it is; the values themselves are free-form.
func TestLoadUnknownFieldHint(t *testing.T) {
	for doc, want := range map[string]string{
		"globalValue:\n  a: b\n": "v.yaml: globalValue: unknown field (did you mean globalValues?)",
		"policies:\n- name: p\n  rules: [{name: r, value: {a: b}}]\n": "v.yaml: policies[0].rules[0].value: unknown field (did you mean values?)",
		"namespaceSelector:\n- name: n\n  label: {a: b}\n":            "v.yaml: namespaceSelector[0].label: unknown field (did you mean labels?)",
		"namespaces:\n- metadata: {name: n, lables: {a: b}}\n":        "v.yaml: namespaces[0].metadata.lables: unknown field (did you mean labels?)",
	} {
		_, err := Load([]byte(doc), "v.yaml")
		var fe *FileError
		if !errors.As(err, &fe) || err.Error() != want {
			t.Errorf("got %v, want %s", err, want)
		}
	}
	if _, err := Load([]byte("globalValues: {any: {free: [form]}}\npolicies:\n- name: p\n  rules: [{name: r, values: {x: {y: z}}}]\n"), "v.yaml"); err != nil {
		t.Errorf("free-form values: %v", err)
	}
}
