// Package variables substitutes Kyverno's {{ }} variables in policy YAML.
//
// A policy fragment (a pattern, a patch, a message, a condition) is compiled
// once with Compile: every string scalar and map key holding "{{ expr }}" is
// found and its JMESPath expression parsed. Template.Substitute then evaluates
// the expressions against a Context (request.object, element, images, ...)
// and returns a substituted copy of the fragment; the compiled fragment is
// never modified, so one Template serves every document and foreach element.
//
// Semantics follow Kyverno's engine: a scalar that is exactly one variable
// takes the value with its type (maps, lists, numbers and booleans become
// YAML nodes); anything else is string interpolation, with non-strings
// written as JSON. "\{{ }}" escapes a variable. Expressions are evaluated
// by the interpreter Kyverno runs, github.com/kyverno/go-jmespath, with
// Kyverno's custom JMESPath functions registered on it as Kyverno's engine
// registers them, so what a key missing from an object gives (null under
// "||", in a projection or a function argument; *NotFoundError, "Unknown
// key ... in path", on a plain path) is Kyverno's by construction.
// docs/variables.md lists the functions.
//
// The package does not decide what a rule does with a failed substitution,
// does not load external data (ConfigMaps, API calls, image registries), and
// keeps no global state: clocks and random seeds live on the Context.
package variables
