package report

import (
	"fmt"
	"os"
	"testing"
)

func TestTotalsString(t *testing.T) {
	res := func(idx int, typ RuleType, s Status, a Action) Result {
		return Result{Resource: Resource{Index: idx, Item: -1}, Type: typ, Status: s, Action: a}
	}
	tests := []struct {
		name      string
		results   []Result
		resources int
		want      string
	}{
		{
			name: "nothing",
			want: "preadmit: 0 resources, 0 mutated, 0 pass, 0 fail, 0 warn, 0 error, 0 skip",
		},
		{
			name:      "resources without results count",
			results:   []Result{res(0, "Validation", StatusPass, ActionAudit)},
			resources: 12,
			want:      "preadmit: 12 resources, 0 mutated, 1 pass, 0 fail, 0 warn, 0 error, 0 skip",
		},
		{
			name: "one action names itself",
			results: []Result{
				res(0, "Validation", StatusFail, ActionAudit),
				res(1, "Validation", StatusFail, ActionAudit),
			},
			want: "preadmit: 2 resources, 0 mutated, 0 pass, 2 fail (audit), 0 warn, 0 error, 0 skip",
		},
		{
			name: "several actions are counted",
			results: []Result{
				res(0, "Validation", StatusFail, ActionEnforce),
				res(0, "Validation", StatusFail, ActionAudit),
				res(0, "Validation", StatusFail, ActionAudit),
				res(0, "Validation", StatusFail, ActionWarn),
				res(0, "Mutation", StatusFail, ""),
			},
			want: "preadmit: 1 resource, 0 mutated, 0 pass, 5 fail (1 enforce, 1 warn, 2 audit, 1 no action), 0 warn, 0 error, 0 skip",
		},
		{
			name: "mutated counts resources, not rules",
			results: []Result{
				res(0, "Mutation", StatusPass, ""),
				res(0, "Mutation", StatusPass, ""),
				res(1, "Mutation", StatusSkip, ""),
				res(2, "Mutation", StatusPass, ""),
				res(2, "Validation", StatusWarn, ActionAudit),
				res(2, "Validation", StatusError, ActionEnforce),
			},
			want: "preadmit: 3 resources, 2 mutated, 3 pass, 0 fail, 1 warn, 1 error, 1 skip",
		},
		{
			name: "a passing mutation that changed nothing is not a mutated resource",
			results: []Result{
				{Resource: Resource{Index: 0}, Type: "Mutation", Status: StatusPass, Unchanged: true},
				res(1, "Mutation", StatusPass, ""),
			},
			want: "preadmit: 2 resources, 1 mutated, 2 pass, 0 fail, 0 warn, 0 error, 0 skip",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Tally(tt.results, tt.resources).String(); got != tt.want {
				t.Errorf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
}

func TestSummaryFixture(t *testing.T) {
	got := Tally(loadResults(t), 0).String()
	want := "preadmit: 6 resources, 1 mutated, 3 pass, 4 fail (2 enforce, 1 warn, 1 audit), 1 warn, 1 error, 1 skip"
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}

func TestSortOrder(t *testing.T) {
	rs := loadResults(t)
	Sort(rs)
	for i := 1; i < len(rs); i++ {
		if compareResults(rs[i-1], rs[i]) > 0 {
			t.Fatalf("results %d and %d out of order", i-1, i)
		}
	}
	if rs[0].Resource.Index != 0 || rs[len(rs)-1].Resource.Index != 5 {
		t.Errorf("not sorted by document index first")
	}
}

func ExampleLines() {
	w := NewLines(os.Stdout, Options{Summary: true})
	_ = w.Write(Result{
		Resource: Resource{Index: 3, Item: -1, APIVersion: "apps/v1", Kind: "Deployment",
			Namespace: "shop", Name: "web", Source: "shop/templates/deployment.yaml"},
		Policy: "disallow-latest-tag", Rule: "autogen-validate-image-tag", Type: "Validation",
		Status: StatusFail, Action: ActionEnforce,
		Message:     "An image tag is required.",
		Path:        "spec.template.spec.containers[0].image",
		Remediation: "Pin the image, e.g. nginx:1.27",
	})
	_ = w.Write(Result{
		Resource: Resource{Index: 3, Item: -1, APIVersion: "apps/v1", Kind: "Deployment",
			Namespace: "shop", Name: "web"},
		Policy: "require-probes", Rule: "autogen-validate-probes", Type: "Validation",
		Status: StatusFail, Action: ActionWarn, Message: "Probes are required.",
	})
	if err := w.Flush(); err != nil {
		fmt.Println(err)
	}
	// Output:
	// doc 3 Deployment shop/web (source: shop/templates/deployment.yaml): disallow-latest-tag/autogen-validate-image-tag: An image tag is required. (spec.template.spec.containers[0].image)
	//   fix: Pin the image, e.g. nginx:1.27
	// warning: doc 3 Deployment shop/web: require-probes/autogen-validate-probes: Probes are required.
	// preadmit: 1 resource, 0 mutated, 0 pass, 2 fail (1 enforce, 1 warn), 0 warn, 0 error, 0 skip
}
