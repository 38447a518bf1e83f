package pipeline

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

// Options are every setting of a render, typed: the one options type from
// the command line, the KRM functionConfig and the Go API to the engine.
// The zero value runs the embedded library with each rule's own failure
// action, as "preadmit render" does without flags.
type Options struct {
	// Policies are files and directories of Kyverno policies (-p).
	Policies []string
	// NoBuiltin leaves the embedded library out.
	NoBuiltin bool
	// Disable names policies to leave out, built-in or not; Enable names
	// opt-in built-in policies to load.
	Disable, Enable []string
	// Profile selects the built-in Pod Security Standards validations; ""
	// is ProfileRestricted.
	Profile Profile
	// CEL are the parameter objects and CustomResourceDefinitions CEL
	// policies read beside the stream (--params, --crd).
	CEL CELOptions
	// Inline are user policies (and PolicyExceptions, in Others) given as
	// objects rather than files: a KRM function's config and items.
	Inline *policy.Set

	// Mode overrides every validate rule's failure action; "" keeps each
	// rule's own.
	Mode transform.Mode
	// Namespace is given to namespaced resources that name none, as the
	// release namespace is by Helm. "" is "default".
	Namespace string
	// Variables are set in every rule's context by dotted path (e.g.
	// "preadmit.registry"), under --set and the registry flags.
	Variables map[string]interface{}
	// Exceptions are the PolicyException sources and discipline; the
	// exceptions among the policy files are read too.
	Exceptions ExceptionOptions
	// Registry are the air-gapped mirror settings (--registry, ...).
	Registry RegistryOptions
	// Values are Kyverno CLI values, --set and context files.
	Values ValuesOptions

	// Report says what a render writes besides the manifests.
	Report ReportOptions
	// Diff writes a unified diff of the mutations instead of manifests.
	Diff bool
	// KeepTrees keeps every document's tree in the output, for a caller
	// that reads them (the Flux export); otherwise a render that writes
	// manifests holds the stream as bytes (transform.Options.Compact).
	KeepTrees bool
	// BoundMemory sets the Go runtime's soft memory limit from the size of
	// the input (see BoundMemory), for a process that only renders.
	BoundMemory bool
}

// ReportOptions say where a render's findings go.
type ReportOptions struct {
	// File, when set, receives the full report in Format ("-" is stderr).
	File string
	// Format is the format of File; "" is report.FormatLines.
	Format report.Format
	// Quiet silences the audit lines and the summary on success.
	Quiet bool
	// AllResults keeps every result in the output, pass and skip
	// included, without a report file (the Go post-renderer's Results).
	AllResults bool
	// ToolVersion is preadmit's version, written into the reports.
	ToolVersion string
}

// ExceptionOptions say where a render's PolicyExceptions come from and how
// strictly they are held.
type ExceptionOptions struct {
	// Paths are files and directories of PolicyExceptions (--exceptions).
	Paths []string
	// Keep writes the input's PolicyException documents to stdout
	// (--keep-exceptions); by default they are consumed.
	Keep bool
	// RequireMetadata rejects exceptions without owner, reason and expiry
	// (--require-exception-metadata).
	RequireMetadata bool
	// At is the time expiry is judged at (--at, see ParseAt); zero is now.
	At time.Time
}

// RegistryOptions are the air-gap settings of render and images.
type RegistryOptions struct {
	// Registry is the mirror (--registry HOST[/PATH]); "" leaves it to the
	// values, and to no mirror at all when they name none.
	Registry string
	// Exclude are wildcard patterns of images to leave alone.
	Exclude []string
	// Normalize mirrors the normalised reference instead of the one written.
	Normalize bool
}

// ValuesOptions give policies variables and external data the way the
// Kyverno CLI does.
type ValuesOptions struct {
	// ValuesFile is a cli.kyverno.io/v1alpha1 Values file (--values-file).
	ValuesFile string
	// Set are key=value variables (--set), over the file's globalValues
	// and resource values.
	Set []string
	// ContextFiles hold ConfigMaps for configMap context entries.
	ContextFiles []string
}

// Profile is a Pod Security Standards level for the built-in library.
type Profile string

// The --profile values. The podsecurity-* profiles use Kyverno's single
// validate.podSecurity rule instead of one policy per control.
const (
	ProfileRestricted            Profile = "restricted"
	ProfileBaseline              Profile = "baseline"
	ProfileNone                  Profile = "none"
	ProfilePodSecurityBaseline   Profile = "podsecurity-baseline"
	ProfilePodSecurityRestricted Profile = "podsecurity-restricted"
)

// ParseProfile reads a --profile value; "" is restricted.
func ParseProfile(s string) (Profile, error) {
	p := Profile(strings.ToLower(s))
	switch {
	case p == "":
		return ProfileRestricted, nil
	case p.Valid():
		return p, nil
	}
	return "", &UsageError{Err: fmt.Errorf("unknown profile %q: expected restricted, baseline, none, podsecurity-baseline or podsecurity-restricted", s)}
}

// ParseMode reads a --mode value (transform.ParseMode) as a *UsageError.
func ParseMode(s string) (transform.Mode, error) {
	m, err := transform.ParseMode(s)
	if err != nil {
		return "", &UsageError{Err: err}
	}
	return m, nil
}

// ParseFormat reads a --report-format value; "" is lines.
func ParseFormat(s string) (report.Format, error) {
	if s == "" {
		return report.FormatLines, nil
	}
	f, err := report.ParseFormat(s)
	if err != nil {
		return "", &UsageError{Err: err}
	}
	return f, nil
}

// ParseAt reads an --at value: an RFC 3339 date-time, or a date (its
// midnight, UTC). "" is the zero time, meaning now.
func ParseAt(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Time{}, Usagef("--at %q: expected an RFC 3339 date (2025-12-31) or date-time (2025-12-31T12:00:00Z)", s)
}

// check refuses typed values that did not come through their parser (a Go
// caller may write any string into a Mode or a Profile). It parses
// nothing: each value is compared with its type's constants.
func (o *Options) check() error {
	if !o.Mode.Valid() {
		return Usagef("unknown mode %q: expected audit, warn or enforce", o.Mode)
	}
	if o.Profile != "" && !o.Profile.Valid() {
		return Usagef("unknown profile %q: expected restricted, baseline, none, podsecurity-baseline or podsecurity-restricted", o.Profile)
	}
	if o.Report.Format != "" && !slices.Contains(report.Formats(), o.Report.Format) {
		return &UsageError{Err: &report.UnknownFormatError{Name: string(o.Report.Format)}}
	}
	return nil
}

// Valid reports whether p is one of the profiles.
func (p Profile) Valid() bool {
	switch p {
	case ProfileRestricted, ProfileBaseline, ProfileNone, ProfilePodSecurityBaseline, ProfilePodSecurityRestricted:
		return true
	}
	return false
}
