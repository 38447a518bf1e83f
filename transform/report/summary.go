package report

import (
	"cmp"
	"fmt"
	"slices"
	"strings"
)

// Sort orders results the way every format prints them: by document index,
// List item, policy, rule, then the remaining fields so that equal keys still
// come out in one order.
func Sort(results []Result) {
	slices.SortStableFunc(results, compareResults)
}

func compareResults(a, b Result) int {
	return cmp.Or(
		cmp.Compare(a.Resource.Index, b.Resource.Index),
		cmp.Compare(a.Resource.Item, b.Resource.Item),
		cmp.Compare(a.PolicyKey(), b.PolicyKey()),
		cmp.Compare(a.Rule, b.Rule),
		cmp.Compare(a.Path, b.Path),
		cmp.Compare(a.Status, b.Status),
		cmp.Compare(a.Message, b.Message),
	)
}

// PolicyKey names the policy the way Kyverno's reports do: "name" for a
// ClusterPolicy, "namespace/name" for a namespaced Policy.
func (r Result) PolicyKey() string {
	if r.PolicyNamespace == "" {
		return r.Policy
	}
	return r.PolicyNamespace + "/" + r.Policy
}

// RuleKey is "policy/rule", with the policy as in PolicyKey.
func (r Result) RuleKey() string {
	return r.PolicyKey() + "/" + r.Rule
}

// Warning reports whether the result is printed as a warning: a failure
// under the Warn action, or Kyverno's warn status (a failure of an unscored
// policy).
func (r Result) Warning() bool {
	return r.Status == StatusWarn || (r.Status == StatusFail && r.Action == ActionWarn)
}

// Counts are results counted by status, the shape of a PolicyReport summary.
type Counts struct {
	Pass  int `json:"pass"`
	Fail  int `json:"fail"`
	Warn  int `json:"warn"`
	Error int `json:"error"`
	Skip  int `json:"skip"`
}

// Add counts one status.
func (c *Counts) Add(s Status) {
	switch s {
	case StatusPass:
		c.Pass++
	case StatusFail:
		c.Fail++
	case StatusWarn:
		c.Warn++
	case StatusError:
		c.Error++
	case StatusSkip:
		c.Skip++
	}
}

// Totals summarise a render.
type Totals struct {
	// Resources is the number of resources: set by the caller when it knows
	// how many documents it processed, otherwise those seen in results.
	Resources int `json:"resources"`
	// Mutated counts resources at least one mutate rule changed.
	Mutated int `json:"mutated"`
	Counts
	// FailByAction splits Fail by the failure action in force.
	FailByAction FailByAction `json:"failByAction"`
}

// FailByAction counts failures per failure action. Failures without an
// action (mutate rules, for instance) are counted in None.
type FailByAction struct {
	Enforce int `json:"enforce"`
	Warn    int `json:"warn"`
	Audit   int `json:"audit"`
	None    int `json:"none"`
}

// Tally counts results. resources is the number of resources the render
// processed; zero means the resources seen in results.
func Tally(results []Result, resources int) Totals {
	type key struct{ index, item int }
	seen := map[key]bool{}
	mutated := map[key]bool{}
	var t Totals
	for _, r := range results {
		k := key{r.Resource.Index, r.Resource.Item}
		seen[k] = true
		if r.Type == "Mutation" && r.Status == StatusPass {
			mutated[k] = true
		}
		t.Add(r.Status)
		if r.Status != StatusFail {
			continue
		}
		switch r.Action {
		case ActionEnforce:
			t.FailByAction.Enforce++
		case ActionWarn:
			t.FailByAction.Warn++
		case ActionAudit:
			t.FailByAction.Audit++
		default:
			t.FailByAction.None++
		}
	}
	t.Resources = max(resources, len(seen))
	t.Mutated = len(mutated)
	return t
}

// String is the one-line summary, e.g.
//
//	preadmit: 12 resources, 3 mutated, 40 pass, 2 fail (audit), 1 warn, 0 error, 5 skip
//
// Failures name their actions: "3 fail (1 enforce, 2 audit)".
func (t Totals) String() string {
	return fmt.Sprintf("%s: %s, %d mutated, %d pass, %d fail%s, %d warn, %d error, %d skip",
		ToolName, plural(t.Resources, "resource"), t.Mutated,
		t.Pass, t.Fail, t.FailByAction.describe(), t.Warn, t.Error, t.Skip)
}

func (f FailByAction) describe() string {
	parts := []struct {
		n    int
		name string
	}{{f.Enforce, "enforce"}, {f.Warn, "warn"}, {f.Audit, "audit"}, {f.None, "no action"}}
	var nonzero []string
	var only string
	for _, p := range parts {
		if p.n > 0 {
			nonzero = append(nonzero, fmt.Sprintf("%d %s", p.n, p.name))
			only = p.name
		}
	}
	switch len(nonzero) {
	case 0:
		return ""
	case 1:
		return " (" + only + ")"
	}
	return " (" + strings.Join(nonzero, ", ") + ")"
}

func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}

// Summary is the one-line summary of results, counting the resources seen
// in them. Use Tally to pass the number of resources processed.
func Summary(results []Result) string {
	return Tally(results, 0).String()
}
