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
	if r.Rule == "" {
		// A CEL policy (ValidatingPolicy, ValidatingAdmissionPolicy) is
		// one rule without a name.
		return r.PolicyKey()
	}
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

// Plus returns the sum of two counts.
func (c Counts) Plus(o Counts) Counts {
	return Counts{Pass: c.Pass + o.Pass, Fail: c.Fail + o.Fail, Warn: c.Warn + o.Warn, Error: c.Error + o.Error, Skip: c.Skip + o.Skip}
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
	var c Counter
	for _, r := range results {
		c.Add(r)
	}
	return c.Totals(resources)
}

// Counter tallies results one at a time, so that a render can count the
// results it does not keep. The zero value is ready; counters of disjoint
// documents merge with Merge.
type Counter struct {
	t       Totals
	seen    map[resourceKey]struct{}
	mutated map[resourceKey]struct{}
}

type resourceKey struct{ index, item int }

// Add counts one result.
func (c *Counter) Add(r Result) {
	c.init()
	k := resourceKey{r.Resource.Index, r.Resource.Item}
	c.seen[k] = struct{}{}
	if r.Type == RuleMutation && r.Status == StatusPass && !r.Unchanged {
		c.mutated[k] = struct{}{}
	}
	c.t.Add(r.Status)
	if r.Status != StatusFail {
		return
	}
	switch r.Action {
	case ActionEnforce:
		c.t.FailByAction.Enforce++
	case ActionWarn:
		c.t.FailByAction.Warn++
	case ActionAudit:
		c.t.FailByAction.Audit++
	default:
		c.t.FailByAction.None++
	}
}

// Merge adds the counts of o.
func (c *Counter) Merge(o *Counter) {
	if o.seen == nil {
		return
	}
	c.init()
	for k := range o.seen {
		c.seen[k] = struct{}{}
	}
	for k := range o.mutated {
		c.mutated[k] = struct{}{}
	}
	c.t.Counts = c.t.Counts.Plus(o.t.Counts)
	c.t.FailByAction = c.t.FailByAction.plus(o.t.FailByAction)
}

func (c *Counter) init() {
	if c.seen == nil {
		c.seen, c.mutated = map[resourceKey]struct{}{}, map[resourceKey]struct{}{}
	}
}

// Totals returns the counts; resources as for Tally.
func (c *Counter) Totals(resources int) Totals {
	t := c.t
	t.Resources = max(resources, len(c.seen))
	t.Mutated = len(c.mutated)
	return t
}

// Plus adds the totals of another render, such as Helm's hooks rendered
// apart from its manifests.
func (t Totals) Plus(o Totals) Totals {
	return Totals{Resources: t.Resources + o.Resources, Mutated: t.Mutated + o.Mutated,
		Counts: t.Counts.Plus(o.Counts), FailByAction: t.FailByAction.plus(o.FailByAction)}
}

func (f FailByAction) plus(o FailByAction) FailByAction {
	return FailByAction{Enforce: f.Enforce + o.Enforce, Warn: f.Warn + o.Warn, Audit: f.Audit + o.Audit, None: f.None + o.None}
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
