package podsecurity

import (
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FuzzEvaluate feeds arbitrary YAML documents to Evaluate under a baseline
// rule and a restricted rule with exclusions. It must never panic; errors are
// fine.
func FuzzEvaluate(f *testing.F) {
	for _, tc := range controlCases {
		for _, k := range kinds {
			f.Add(k.wrap(tc.tmpl))
		}
	}
	f.Add("kind: Pod\nspec:\n  containers: [null, {securityContext: null}]\n")
	f.Add("kind: CronJob\nspec:\n  jobTemplate: 3\n")
	f.Add("kind: Pod\nmetadata:\n  annotations: [a]\n")
	f.Add("kind: Pod\nspec: &a\n  hostPID: true\n  x: *a\n")

	checks := []*Check{
		mustCompile(f, "level: baseline\n"),
		mustCompile(f, "level: restricted\nversion: v1.24\n"),
		mustCompile(f, "level: restricted\nexclude:\n- controlName: Capabilities\n  images: ['*']\n  restrictedField: spec.containers[*].securityContext.capabilities.add\n  values: ['SYS_*']\n- controlName: Seccomp\n- controlName: Host Namespaces\n"),
	}
	f.Fuzz(func(t *testing.T, doc string) {
		node, err := yaml.Parse(doc)
		if err != nil {
			return
		}
		for _, c := range checks {
			vs, err := c.Evaluate(node)
			if err != nil {
				continue
			}
			for _, v := range vs {
				if len(v.Paths) == 0 {
					t.Errorf("violation without paths: %+v", v)
				}
			}
		}
	})
}
