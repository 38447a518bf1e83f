package podsecurity

import (
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	k8syaml "sigs.k8s.io/yaml"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// kinds wraps a pod template ("metadata: ...\nspec: ...") into a document of
// each supported shape; prefix is where the template's fields land.
var kinds = []struct {
	kind   string
	prefix string
	wrap   func(tmpl string) string
}{
	{"Pod", "", func(tmpl string) string {
		return "apiVersion: v1\nkind: Pod\n" + withName(tmpl)
	}},
	{"Deployment", "spec.template.", func(tmpl string) string {
		return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  replicas: 1\n  template:\n" + indent(tmpl, 4)
	}},
	{"CronJob", "spec.jobTemplate.spec.template.", func(tmpl string) string {
		return "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: '* * * * *'\n  jobTemplate:\n    spec:\n      template:\n" + indent(tmpl, 8)
	}},
}

func withName(tmpl string) string {
	if strings.HasPrefix(tmpl, "metadata:\n") {
		return "metadata:\n  name: p\n" + strings.TrimPrefix(tmpl, "metadata:\n")
	}
	return "metadata:\n  name: p\n" + tmpl
}

func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pad + l
		}
	}
	return strings.Join(lines, "\n") + "\n"
}

func mustParse(t testing.TB, s string) *yaml.RNode {
	t.Helper()
	n, err := yaml.Parse(s)
	if err != nil {
		t.Fatalf("parse: %v\n%s", err, s)
	}
	return n
}

func mustCompile(t testing.TB, s string) *Check {
	t.Helper()
	c, err := Compile(mustParse(t, s))
	if err != nil {
		t.Fatalf("Compile: %v", err)
	}
	return c
}

// libraryVerdict runs the library's own Evaluator on the template, the way
// the API server's Pod Security admission does, and returns the forbidden
// reasons.
func libraryVerdict(t testing.TB, tmpl string, level api.Level, version string) []string {
	t.Helper()
	var pt struct {
		Metadata metav1.ObjectMeta `json:"metadata"`
		Spec     corev1.PodSpec    `json:"spec"`
	}
	if err := k8syaml.Unmarshal([]byte(tmpl), &pt); err != nil {
		t.Fatalf("decode template: %v", err)
	}
	ev, err := policy.NewEvaluator(policy.DefaultChecks(), nil)
	if err != nil {
		t.Fatal(err)
	}
	v, err := api.ParseVersion(version)
	if err != nil {
		t.Fatal(err)
	}
	var reasons []string
	for _, r := range ev.EvaluatePod(api.LevelVersion{Level: level, Version: v}, &pt.Metadata, &pt.Spec) {
		if !r.Allowed {
			reasons = append(reasons, r.ForbiddenReason)
		}
	}
	return reasons
}
