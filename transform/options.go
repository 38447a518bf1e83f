package transform

import (
	"fmt"
	"strings"
	"time"

	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
	"github.com/preadmit/preadmit/transform/stream"
)

// Mode overrides every validate rule's failure action, or keeps each rule's
// own when empty.
type Mode string

// The modes of --mode.
const (
	ModePolicy  Mode = ""
	ModeAudit   Mode = "audit"
	ModeWarn    Mode = "warn"
	ModeEnforce Mode = "enforce"
)

// ParseMode reads a --mode value.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(strings.ToLower(s)); m {
	case ModePolicy, ModeAudit, ModeWarn, ModeEnforce:
		return m, nil
	}
	return "", fmt.Errorf("unknown mode %q: expected audit, warn or enforce", s)
}

func (m Mode) action() report.Action {
	switch m {
	case ModeAudit:
		return report.ActionAudit
	case ModeWarn:
		return report.ActionWarn
	case ModeEnforce:
		return report.ActionEnforce
	}
	return ""
}

// PolicyValues are the values a Kyverno CLI values file gives one policy.
type PolicyValues struct {
	// Resources are values by resource name, set for every rule of the
	// policy evaluated on a resource of that name.
	Resources map[string]map[string]interface{}
	// Rules are values by rule name, set in that rule's context after the
	// resource values. A rule value named like an apiCall, imageRegistry
	// or globalReference context entry stands for that entry, which is
	// then not an error: the Kyverno CLI's way to mock external data.
	Rules map[string]map[string]interface{}
}

// Options configure an Engine.
type Options struct {
	Policies []*policy.Policy
	Mode     Mode
	// Namespace is given to namespaced resources that do not name one, as
	// Helm and kubectl do at apply time. Default "default".
	Namespace string
	Limits    stream.Limits
	// Variables are set in every rule's context before anything else, by
	// dotted path (e.g. "preadmit.registry"), as Kyverno CLI's --set and
	// values files give them.
	Variables map[string]interface{}
	// ConfigMaps are the ConfigMaps context entries may read besides those
	// in the stream, by "namespace/name", each the ConfigMap as a JSON-like
	// object.
	ConfigMaps map[string]interface{}
	// PolicyValues are per-policy values of a Kyverno CLI values file, by
	// policy name. They are set in a rule's context after Variables and
	// before its context entries, as the Kyverno CLI does.
	PolicyValues map[string]PolicyValues
	// NamespaceLabels are the labels of namespaces (a values file's
	// namespaceSelector), by namespace name, for match namespaceSelector.
	NamespaceLabels map[string]map[string]string
	// Now is the clock of time functions; nil means time.Now.
	Now func() time.Time
}
