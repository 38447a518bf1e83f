// Package anchor parses Kyverno's anchor syntax in map keys: conditional
// "(key)", global "<(key)", negation "X(key)", add-if-not-present "+(key)",
// equality "=(key)" and existence "^(key)".
//
// It only recognises anchors; what an anchor means is decided by the validate
// pattern matcher and the strategic-merge mutator that use it. It must not
// look at resources.
package anchor
