package podsecurity

import (
	"fmt"
	"sort"

	"k8s.io/pod-security-admission/api"
	"k8s.io/pod-security-admission/policy"
	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Violation is one failed Pod Security Standards check on one resource.
type Violation struct {
	// Control is the PSS control as Kyverno names it, e.g. "Privileged Containers".
	Control string
	// Check is the upstream check ID, e.g. "privileged".
	Check string
	// Message is the library's reason and detail, e.g.
	// `privileged (container "app" must not set securityContext.privileged=true)`.
	Message string
	// Paths are the offending fields in the document, e.g.
	// "spec.template.spec.containers[0].securityContext.privileged". A path
	// may name a field that is missing but required.
	Paths []string
	// Fix is a one-line remediation.
	Fix string
}

// Exclude is one entry of podSecurity.exclude.
type Exclude struct {
	ControlName     string
	Images          []string
	RestrictedField string
	Values          []string
}

// Check is a compiled podSecurity block. It is immutable and safe for
// concurrent use.
type Check struct {
	Level   api.Level
	Version string // as written, "latest" when empty
	Exclude []Exclude

	version api.Version
	checks  []selectedCheck
}

// selectedCheck is the one versioned check of a check ID that applies at the
// rule's version.
type selectedCheck struct {
	id      policy.CheckID
	minimum api.Version
	run     policy.CheckPodFn
}

// Compile parses the podSecurity block of a validate rule (the mapping with
// level, version and exclude).
func Compile(rule *yaml.RNode) (*Check, error) {
	if rule == nil || rule.YNode() == nil || rule.YNode().Kind != yaml.MappingNode {
		return nil, &RuleError{Field: "level", Reason: "podSecurity must be a mapping with level, version and exclude"}
	}
	c := &Check{}
	var levelSet bool
	for i := 0; i+1 < len(rule.YNode().Content); i += 2 {
		key, value := rule.YNode().Content[i].Value, rule.YNode().Content[i+1]
		switch key {
		case "level":
			s, err := scalar(key, value)
			if err != nil {
				return nil, err
			}
			level, err := api.ParseLevel(s)
			if err != nil {
				return nil, &RuleError{Field: key, Value: s, Reason: err.Error()}
			}
			c.Level, levelSet = level, true
		case "version":
			s, err := scalar(key, value)
			if err != nil {
				return nil, err
			}
			c.Version = s
		case "exclude":
			ex, err := parseExcludes(yaml.NewRNode(value))
			if err != nil {
				return nil, err
			}
			c.Exclude = ex
		default:
			return nil, &RuleError{Field: key, Reason: "unknown field; podSecurity has level, version and exclude"}
		}
	}
	if !levelSet {
		return nil, &RuleError{Field: "level", Reason: "required: privileged, baseline or restricted"}
	}
	if c.Version == "" {
		c.Version = "latest"
	}
	v, err := api.ParseVersion(c.Version)
	if err != nil {
		return nil, &RuleError{Field: "version", Value: c.Version, Reason: err.Error()}
	}
	c.version = v
	for i, e := range c.Exclude {
		if err := validateExclude(c.Level, e); err != nil {
			err.Field = fmt.Sprintf("exclude[%d].%s", i, err.Field)
			return nil, err
		}
	}
	c.checks = selectChecks(api.LevelVersion{Level: c.Level, Version: v})
	return c, nil
}

func scalar(field string, n *yaml.Node) (string, error) {
	if n.Kind != yaml.ScalarNode {
		return "", &RuleError{Field: field, Reason: "must be a string"}
	}
	return n.Value, nil
}

func scalars(field string, n *yaml.Node) ([]string, error) {
	if n.Kind == yaml.ScalarNode && n.Tag == "!!null" {
		return nil, nil
	}
	if n.Kind != yaml.SequenceNode {
		return nil, &RuleError{Field: field, Reason: "must be a list of strings"}
	}
	out := make([]string, 0, len(n.Content))
	for i, item := range n.Content {
		s, err := scalar(fmt.Sprintf("%s[%d]", field, i), item)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

func parseExcludes(n *yaml.RNode) ([]Exclude, error) {
	y := n.YNode()
	if y.Kind == yaml.ScalarNode && y.Tag == "!!null" {
		return nil, nil
	}
	if y.Kind != yaml.SequenceNode {
		return nil, &RuleError{Field: "exclude", Reason: "must be a list"}
	}
	out := make([]Exclude, 0, len(y.Content))
	for i, item := range y.Content {
		field := fmt.Sprintf("exclude[%d]", i)
		if item.Kind != yaml.MappingNode {
			return nil, &RuleError{Field: field, Reason: "must be a mapping"}
		}
		var e Exclude
		for j := 0; j+1 < len(item.Content); j += 2 {
			key, value := item.Content[j].Value, item.Content[j+1]
			var err error
			switch key {
			case "controlName":
				e.ControlName, err = scalar(field+"."+key, value)
			case "images":
				e.Images, err = scalars(field+"."+key, value)
			case "restrictedField":
				e.RestrictedField, err = scalar(field+"."+key, value)
			case "values":
				e.Values, err = scalars(field+"."+key, value)
			default:
				err = &RuleError{Field: field + "." + key, Reason: "unknown field; an exclusion has controlName, images, restrictedField and values"}
			}
			if err != nil {
				return nil, err
			}
		}
		out = append(out, e)
	}
	return out, nil
}

// validateExclude applies the checks of Kyverno's PodSecurityStandard.Validate
// and Rule.ValidatePSaControlNames. Field is relative to the exclusion.
func validateExclude(level api.Level, e Exclude) *RuleError {
	ctl, ok := controlByName(e.ControlName)
	if !ok {
		return &RuleError{Field: "controlName", Value: e.ControlName, Reason: "unknown Pod Security Standards control"}
	}
	switch ctl.scope {
	case scopeContainer:
		if len(e.Images) == 0 {
			return &RuleError{Field: "controlName", Value: e.ControlName, Reason: "exclude.images must be specified for the container level control"}
		}
	case scopePod:
		if len(e.Images) != 0 {
			return &RuleError{Field: "controlName", Value: e.ControlName, Reason: "exclude.images must not be specified for the pod level control"}
		}
	case scopeMixed:
	}
	if e.RestrictedField != "" && len(e.Values) == 0 {
		return &RuleError{Field: "values", Reason: "values is required when restrictedField is set"}
	}
	if e.RestrictedField == "" && len(e.Values) != 0 {
		return &RuleError{Field: "restrictedField", Reason: "restrictedField is required when values are set"}
	}
	if level == api.LevelBaseline && ctl.restrictedOnly {
		return &RuleError{Field: "controlName", Value: e.ControlName, Reason: "invalid control name defined at the given level"}
	}
	return nil
}

// selectChecks picks, for every check of the level, the versioned check that
// applies at lv.Version, and drops the baseline checks that a selected
// restricted check overrides — the same selection as the library's
// Evaluator, in the same order (baseline IDs sorted, then restricted).
func selectChecks(lv api.LevelVersion) []selectedCheck {
	if lv.Level == api.LevelPrivileged {
		return nil
	}
	var baseline, restricted []selectedCheck
	overridden := map[policy.CheckID]bool{}
	for _, chk := range policy.DefaultChecks() {
		if lv.Level == api.LevelBaseline && chk.Level != api.LevelBaseline {
			continue
		}
		var pick *policy.VersionedCheck
		for i := range chk.Versions {
			vc := &chk.Versions[i]
			if lv.Version.Latest() || !lv.Version.Older(vc.MinimumVersion) {
				pick = vc
			}
		}
		if pick == nil {
			continue
		}
		sc := selectedCheck{id: chk.ID, minimum: pick.MinimumVersion, run: pick.CheckPod}
		if chk.Level == api.LevelRestricted {
			restricted = append(restricted, sc)
			for _, o := range pick.OverrideCheckIDs {
				overridden[o] = true
			}
		} else {
			baseline = append(baseline, sc)
		}
	}
	out := baseline[:0]
	for _, sc := range baseline {
		if !overridden[sc.id] {
			out = append(out, sc)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	sort.Slice(restricted, func(i, j int) bool { return restricted[i].id < restricted[j].id })
	return append(out, restricted...)
}
