// Package pipeline is the one way into preadmit's engine: every command,
// the KRM function, the Helm adapters and the Go API call it.
//
// Options hold every setting of a render as typed values — a
// transform.Mode, a Profile, a report.Format, an exception expiry time —
// parsed once at the edge (ParseMode, ParseProfile, ParseFormat, ParseAt)
// by the command line, the KRM functionConfig reader or the Go caller, and
// never re-parsed from strings downstream. New loads the embedded library
// and the user's policies, PolicyExceptions, values files and context, and
// compiles them once; Pipeline.Render runs them over a stream, Conclude
// writes the report file and decides on Enforce violations, Succeed writes
// what a person reads after a successful render. Render does all of that
// for one stream, stdin to stdout.
//
//	p, err := pipeline.New(pipeline.Options{Mode: transform.ModeEnforce})
//	res, err := p.Render(ctx, manifests)
//	err = p.Conclude(res, pipeline.OpenChannels(os.Stderr, pipeline.TTYNever))
//
// Errors are typed: *ViolationError (a rule in Enforce failed),
// *FailedError (a test did not pass), *UsageError (a setting that cannot
// be used), and the engine's own (*policy.Error, *exception.Error,
// *stream.InputError, ...). ExitCode decides a process's exit code from
// them, once, at the edge: a violation is 1, anything else 2.
//
// The package must not import Helm, cobra, Flux, the KRM function or the
// kyverno-test runner: those are adapters over it (postrender,
// internal/helmrun, internal/krm, internal/flux, internal/kyvernotest),
// and the public postrender package must link none of the others.
package pipeline
