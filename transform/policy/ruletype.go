package policy

// RuleType is the kind of work a rule does, named as Kyverno's reports
// name it.
type RuleType string

// The rule types. preadmit applies Mutation and Validation at render time.
const (
	RuleMutation          RuleType = "Mutation"
	RuleValidation        RuleType = "Validation"
	RuleGeneration        RuleType = "Generation"
	RuleImageVerification RuleType = "ImageVerification"
)

// RuleType is the rule's type, typed; "" for a rule of none. Type returns
// the same as a string.
func (r *Rule) RuleType() RuleType { return RuleType(r.Type()) }
