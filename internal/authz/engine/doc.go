// Package engine is preadmit-authz's half of package authz: it checks an
// authz.Request with kyverno-authz's engine, built for each policy as the
// Kyverno CLI builds it ("kyverno test" with envoyPayloads or
// httpPayloads): the policy compiled by kyverno-authz's compiler without a
// cluster, the first validation that answers (allowed, denied or an error)
// is the policy's answer, and none answering is a skip. Only
// cmd/preadmit-authz links it.
package engine
