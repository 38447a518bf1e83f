package report

// Status is the outcome of one rule on one resource, with the names Kyverno
// uses in PolicyReports.
type Status string

// The statuses of a result.
const (
	StatusPass  Status = "pass"
	StatusFail  Status = "fail"
	StatusWarn  Status = "warn"
	StatusError Status = "error"
	StatusSkip  Status = "skip"
)

// Action is the failure action in force for a validate rule.
type Action string

// The failure actions. Warn is preadmit's third step between Audit and
// Enforce: the render succeeds and the violation is printed as a warning.
const (
	ActionAudit   Action = "Audit"
	ActionWarn    Action = "Warn"
	ActionEnforce Action = "Enforce"
)

// Resource identifies the document a result is about.
type Resource struct {
	// Index is the 0-based position of the document in the input stream.
	Index int `json:"index"`
	// Item is the 0-based position inside a List document, or -1.
	Item       int    `json:"item"`
	APIVersion string `json:"apiVersion"`
	Kind       string `json:"kind"`
	Namespace  string `json:"namespace,omitempty"`
	Name       string `json:"name"`
	// Source is the Helm template the document came from (the "# Source:"
	// comment), or the file path kustomize or kpt recorded, when known.
	Source string `json:"source,omitempty"`
	// Hook is the resource's helm.sh/hook annotation (the Helm hook events
	// it runs on, e.g. "pre-install,pre-upgrade" or "test"), or "" for a
	// resource that is not a hook. Helm 4 passes hooks to a post-renderer
	// with the chart's other resources; reports name them as hooks.
	Hook string `json:"hook,omitempty"`
}

// Result is the outcome of one rule on one resource.
type Result struct {
	Resource Resource `json:"resource"`
	Policy   string   `json:"policy"`
	// PolicyNamespace is set for namespaced Policy objects.
	PolicyNamespace string `json:"policyNamespace,omitempty"`
	Rule            string `json:"rule"`
	// Type is the rule's type: Validation or Mutation for a rule that ran;
	// Generation or ImageVerification for one named as not applied.
	Type    RuleType `json:"type"`
	Status  Status   `json:"status"`
	Action  Action   `json:"action,omitempty"`
	Message string   `json:"message,omitempty"`
	// Path is the failing field, e.g. "spec.template.spec.containers[0].image".
	Path        string `json:"path,omitempty"`
	Severity    string `json:"severity,omitempty"`
	Category    string `json:"category,omitempty"`
	Remediation string `json:"remediation,omitempty"`
	// Exception names the PolicyException ("namespace/name") that turned a
	// failure into a skip.
	Exception string `json:"exception,omitempty"`
	// Expression is the CEL expression that failed, with its field path
	// in the policy (spec.validations[0].expression: ...).
	Expression string `json:"expression,omitempty"`
	// ValidationIndex is the 0-based index, in its policy's list, of the
	// validation Expression names (Kyverno's cel.validationIndex); it
	// means nothing without Expression.
	ValidationIndex int `json:"validationIndex,omitempty"`
	// Binding names the ValidatingAdmissionPolicyBinding or
	// MutatingAdmissionPolicyBinding an admission policy was applied
	// through (the Rule of such a result is the binding's name too).
	Binding string `json:"binding,omitempty"`
	// Control is the Pod Security Standards control, for podSecurity rules.
	Control string `json:"control,omitempty"`
	// Blocking marks an error result that stops the render: the rule
	// could not be evaluated where a failure would block (a validation in
	// Enforce, a mutation unless the mode is audit or warn), and its
	// policy's failurePolicy is not Ignore. A gate fails closed, as the
	// admission webhook does with failurePolicy Fail.
	Blocking bool `json:"blocking,omitempty"`
	// Unchanged marks a passing mutation that left the resource as it
	// was (a CEL policy passes then, where a classic rule is skipped):
	// the summary does not count the resource as mutated.
	Unchanged bool `json:"-"`
}

// Violation reports whether the result stops the render: a validation
// failure in Enforce, or a rule that could not be evaluated and fails
// closed (Blocking).
func (r Result) Violation() bool {
	return (r.Status == StatusFail && r.Action == ActionEnforce) || (r.Status == StatusError && r.Blocking)
}
