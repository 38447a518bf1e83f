package flux

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

const (
	deployBefore = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: web, image: nginx:1.27}]
`
	deployAfter = `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: shop}
spec:
  template:
    spec:
      containers: [{name: web, image: nginx:1.27, securityContext: {privileged: false}}]
`
	jobBefore = `apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: shop, annotations: {helm.sh/hook: pre-install}}
spec:
  template:
    spec:
      containers: [{name: migrate, image: busybox:1.37}]
`
	jobAfter = `apiVersion: batch/v1
kind: Job
metadata: {name: migrate, namespace: shop, annotations: {helm.sh/hook: pre-install}}
spec:
  template:
    spec:
      containers: [{name: migrate, image: busybox:1.37, securityContext: {privileged: false}}]
`
	// A ServiceAccount that a pre-install hook needs and the release keeps.
	saTemplate = `apiVersion: v1
kind: ServiceAccount
metadata: {name: shop, namespace: shop}
`
	saHook = `apiVersion: v1
kind: ServiceAccount
metadata: {name: shop, namespace: shop, annotations: {helm.sh/hook: pre-install}}
`
)

func doc(before, after string) Doc {
	return Doc{Before: yaml.MustParse(before), After: yaml.MustParse(after)}
}

// TestDeriveStrategy: the export asks for combined when the mutations
// change a hook, for nothing when they change none, and for separate when a
// hook is also a template: then the post-renderers are checked on the hooks
// and the others apart, as helm-controller runs them (one kustomize run
// over both fails on the duplicate).
func TestDeriveStrategy(t *testing.T) {
	tests := []struct {
		name   string
		docs   []Doc
		want   Strategy
		hooks  []string
		shared []string
	}{
		{"hook changed", []Doc{doc(deployBefore, deployAfter), doc(jobBefore, jobAfter)}, StrategyCombined, []string{"Job shop/migrate"}, nil},
		{"hook unchanged", []Doc{doc(deployBefore, deployAfter), doc(jobBefore, jobBefore)}, "", nil, nil},
		{"no hooks", []Doc{doc(deployBefore, deployAfter)}, "", nil, nil},
		{"hook is also a template", []Doc{doc(saTemplate, saTemplate), doc(deployBefore, deployAfter), doc(saHook, saHook), doc(jobBefore, jobAfter)},
			StrategySeparate, []string{"Job shop/migrate"}, []string{"ServiceAccount shop/shop"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex, err := Derive(tt.docs)
			if err != nil {
				t.Fatal(err)
			}
			if ex.PostRenderStrategy != tt.want || !reflect.DeepEqual(ex.Hooks, tt.hooks) || !reflect.DeepEqual(ex.Shared, tt.shared) {
				t.Errorf("strategy %q, hooks %v, shared %v; want %q, %v, %v", ex.PostRenderStrategy, ex.Hooks, ex.Shared, tt.want, tt.hooks, tt.shared)
			}
			if len(ex.Gaps) != 0 {
				t.Errorf("gaps: %v", ex.Gaps)
			}
		})
	}
}

// TestCombinedRejectsSharedIdentity is why the export asks for separate:
// kustomize, as helm-controller runs it, fails on a stream that holds a
// hook and a template with one identity.
func TestCombinedRejectsSharedIdentity(t *testing.T) {
	ex, err := Derive([]Doc{doc(saTemplate, saTemplate), doc(deployBefore, deployAfter), doc(saHook, saHook)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = Apply([]byte("---\n"+saTemplate+"---\n"+deployBefore+"---\n"+saHook), ex)
	if err == nil || !strings.Contains(err.Error(), "already registered id") {
		t.Fatalf("want kustomize to reject the duplicate, got %v", err)
	}
}

// TestSettle: a strategy the HelmRelease sets is kept (the export's own is
// dropped); nohooks gets a warning naming the hooks that escape, combined
// one when a hook is also a template.
func TestSettle(t *testing.T) {
	tests := []struct {
		name      string
		need      Strategy
		hooks     []string
		have      Strategy
		write     Strategy
		note      string
		warning   string
		noMessage bool
	}{
		{name: "none set, hook changed", need: StrategyCombined, hooks: []string{"Job shop/migrate"}, write: StrategyCombined, note: "postRenderStrategy: combined is set"},
		{name: "none set, shared", need: StrategySeparate, write: StrategySeparate, note: "postRenderStrategy: separate is set"},
		{name: "none needed", noMessage: true},
		{name: "nohooks set, hook changed", need: StrategyCombined, hooks: []string{"Job shop/migrate"}, have: StrategyNoHooks,
			warning: "hooks escape the post-renderers: the HelmRelease sets postRenderStrategy: nohooks, so helm-controller applies these hooks as the chart renders them, without the mutations: Job shop/migrate. Set it to combined"},
		{name: "nohooks set, shared, hook changed", need: StrategySeparate, hooks: []string{"Job shop/migrate"}, have: StrategyNoHooks, warning: "Set it to separate"},
		{name: "nohooks set, no hook changed", have: StrategyNoHooks, noMessage: true},
		{name: "combined set, hook changed", need: StrategyCombined, hooks: []string{"Job shop/migrate"}, have: StrategyCombined, note: "the HelmRelease's postRenderStrategy: combined post-renders them"},
		{name: "combined set, shared", need: StrategySeparate, have: StrategyCombined, warning: "rejects the duplicate. Set it to separate"},
		{name: "separate set, hook changed", need: StrategyCombined, hooks: []string{"Job shop/migrate"}, have: StrategySeparate, note: "postRenderStrategy: separate post-renders them"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ex := &Export{PostRenderStrategy: tt.need, Hooks: tt.hooks, Shared: []string{"ServiceAccount shop/shop"}}
			notes, warnings := ex.Settle(tt.have)
			if ex.PostRenderStrategy != tt.write {
				t.Errorf("writes %q, want %q", ex.PostRenderStrategy, tt.write)
			}
			if tt.noMessage && len(notes)+len(warnings) != 0 {
				t.Errorf("want no message, got %q, %q", notes, warnings)
			}
			if tt.note != "" && (len(notes) == 0 || !strings.Contains(notes[0], tt.note) || len(warnings) != 0) {
				t.Errorf("want a note with %q, got notes %q, warnings %q", tt.note, notes, warnings)
			}
			if tt.warning != "" && (len(warnings) != 1 || !strings.Contains(warnings[0], tt.warning)) {
				t.Errorf("want a warning with %q, got %q", tt.warning, warnings)
			}
		})
	}
}

// TestHelmReleaseStrategy reads the strategy a HelmRelease sets.
func TestHelmReleaseStrategy(t *testing.T) {
	const hr = "apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: shop}\nspec:\n  interval: 10m\n"
	for _, tt := range []struct {
		src  string
		want Strategy
	}{
		{hr, ""},
		{hr + "  postRenderStrategy: nohooks\n", StrategyNoHooks},
		{hr + "  postRenderStrategy: separate # hooks alone\n", StrategySeparate},
	} {
		got, err := HelmReleaseStrategy([]byte(tt.src))
		if err != nil || got != tt.want {
			t.Errorf("%q: got %q, %v; want %q", tt.src, got, err, tt.want)
		}
	}
	if _, err := HelmReleaseStrategy([]byte("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n")); !errors.Is(err, ErrNoHelmRelease) {
		t.Errorf("want ErrNoHelmRelease, got %v", err)
	}
	var se *StrategyError
	if _, err := HelmReleaseStrategy([]byte(hr + "  postRenderStrategy: NoHooks\n")); !errors.As(err, &se) || se.Value != "NoHooks" {
		t.Errorf("want a *StrategyError for NoHooks, got %v", err)
	}
}
