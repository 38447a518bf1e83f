package report

// RuleType is the kind of work a rule does, named as Kyverno's reports
// name it. It is the one rule type: package policy classifies a rule once,
// when it reads it, into a RuleType (policy.RuleType is this type), the
// engine runs it by it and every Result carries it. Being a string type,
// it is written in JSON and YAML as its name ("Validation").
type RuleType string

// The rule types. preadmit applies Mutation and Validation at render time;
// the other two are named in results as not applied.
const (
	RuleMutation          RuleType = "Mutation"
	RuleValidation        RuleType = "Validation"
	RuleGeneration        RuleType = "Generation"
	RuleImageVerification RuleType = "ImageVerification"
)

// String returns the type's name.
func (t RuleType) String() string { return string(t) }
