// Package quantity parses Kubernetes resource quantities ("100m", "128Mi",
// "1e3") from untrusted policy and manifest text. It is the one place the
// engine calls resource.ParseQuantity: it refuses quantities whose size or
// exponent would make comparing or printing them cost unbounded time
// (apimachinery computes 10^scale with big integers), so that such text is
// treated as a plain string instead of hanging a render. It knows nothing
// about resources or policies.
package quantity
