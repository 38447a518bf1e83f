package exception_test

import (
	"errors"
	"testing"
	"time"

	"github.com/preadmit/preadmit/transform/exception"
	"github.com/preadmit/preadmit/transform/match"
	"github.com/preadmit/preadmit/transform/stream"
	"github.com/preadmit/preadmit/transform/variables"
)

// FuzzParse: any document either parses into an exception that can be
// asked every question, or fails with an *exception.Error; never a panic.
func FuzzParse(f *testing.F) {
	f.Add(base + "spec:\n  exceptions: [{policyName: p, ruleNames: [r]}]\n  match: {any: [{resources: {kinds: [Pod]}}]}\n  conditions: {all: [{key: '{{ request.object.metadata.name }}', operator: Equals, value: x}]}\n")
	f.Add(base + "  annotations: {preadmit.io/expires: '2025-01-01'}\nspec:\n  exceptions: [{policyName: p, ruleNames: [r]}]\n  match: {any: [{resources: {kinds: [Pod]}}]}\n  podSecurity: [{controlName: Capabilities, images: ['*']}]\n")
	f.Add("apiVersion: policies.kyverno.io/v1\nkind: PolicyException\nmetadata: {name: a}\nspec:\n  policyRefs: [{name: p, kind: ClusterPolicy}]\n  expiresAt: '2025-01-01T00:00:00Z'\n")
	f.Add("apiVersion: kyverno.io/v2\nkind: PolicyException\nmetadata: &m {name: a}\nspec: *m\n")
	f.Fuzz(func(t *testing.T, doc string) {
		if len(doc) > 4000 {
			return
		}
		docs, err := stream.Read([]byte(doc), stream.Limits{MaxNodes: 10000, MaxDepth: 50})
		if err != nil {
			return
		}
		for _, d := range docs {
			if !exception.IsException(d.Node) {
				continue
			}
			x, err := exception.Parse("fuzz.yaml", d.Node, "default")
			if err != nil {
				var xe *exception.Error
				if !errors.As(err, &xe) {
					t.Fatalf("%T is not an *exception.Error", err)
				}
				continue
			}
			now := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
			_ = x.Expired(now)
			_, _ = x.DaysLeft(now)
			_ = x.LastDay()
			_ = x.MissingMetadata()
			_ = x.Covers("ClusterPolicy", "", "p", "r")
			_ = x.Selects(&match.Resource{APIVersion: "v1", Version: "v1", Kind: "Pod", Name: "a", Namespace: "default"})
			ctx := variables.NewContext()
			ctx.Set("request.object", map[string]interface{}{"metadata": map[string]interface{}{"name": "x"}})
			_, _ = x.ConditionsHold(ctx)
		}
	})
}
