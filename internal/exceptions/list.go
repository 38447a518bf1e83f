package exceptions

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/preadmit/preadmit/pipeline"
	"github.com/preadmit/preadmit/transform/exception"
	"github.com/preadmit/preadmit/transform/policy"
)

// Format is the output format of "exceptions list".
type Format string

// The -o values.
const (
	FormatTable Format = "table"
	FormatJSON  Format = "json"
)

// ParseFormat reads a -o value; "" is table.
func ParseFormat(s string) (Format, error) {
	switch f := Format(s); f {
	case "":
		return FormatTable, nil
	case FormatTable, FormatJSON:
		return f, nil
	}
	return "", pipeline.Usagef("-o %q: expected table or json", s)
}

// ListOptions are the settings of "preadmit exceptions list".
type ListOptions struct {
	// Paths are files and directories of PolicyExceptions.
	Paths []string
	// Policies are policy files and directories (-p), which may hold
	// PolicyExceptions too.
	Policies []string
	// Stdin reads a manifest stream from stdin and lists its exceptions.
	Stdin bool
	// Namespace of exceptions that name none.
	Namespace string
	// Format is the output format.
	Format Format
	// At is the time days left are counted from; zero is now.
	At time.Time
}

// List writes every PolicyException found, with owner, reason, expiry and
// days left, soonest expiry first.
func List(o ListOptions, stdin io.Reader, out io.Writer) error {
	at := o.At
	if at.IsZero() {
		at = time.Now()
	}
	if o.Namespace == "" {
		o.Namespace = "default"
	}
	var others []*policy.Document
	if len(o.Policies) > 0 {
		set, err := policy.LoadPaths(o.Policies)
		if err != nil {
			return err
		}
		others = set.Others
	}
	xs, err := pipeline.LoadExceptions(o.Paths, others, o.Namespace)
	if err != nil {
		return err
	}
	if o.Stdin {
		sx, err := pipeline.StreamExceptions(stdin, o.Namespace)
		if err != nil {
			return err
		}
		xs = append(xs, sx...)
	}
	slices.SortStableFunc(xs, func(a, b *exception.Exception) int {
		return cmp.Or(compareExpiry(a, b), cmp.Compare(a.Key(), b.Key()), cmp.Compare(a.File, b.File))
	})
	if o.Format == FormatJSON {
		return writeExceptionsJSON(out, xs, at)
	}
	return writeExceptionsTable(out, xs, at)
}

// compareExpiry orders the soonest expiry first and never-expiring last.
func compareExpiry(a, b *exception.Exception) int {
	switch {
	case a.Expires.IsZero() && b.Expires.IsZero():
		return 0
	case a.Expires.IsZero():
		return 1
	case b.Expires.IsZero():
		return -1
	}
	return a.Expires.Compare(b.Expires)
}

func writeExceptionsTable(w io.Writer, xs []*exception.Exception, at time.Time) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "EXCEPTION\tPOLICY/RULES\tOWNER\tREASON\tEXPIRES\tDAYS LEFT\tSOURCE")
	for _, x := range xs {
		expires, days := "never", "-"
		if n, ok := x.DaysLeft(at); ok {
			expires, days = x.LastDay(), strconv.Itoa(n)
			if x.Expired(at) {
				days += " (expired)"
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", x.Key(), targets(x), orDash(x.Owner), orDash(oneLine(x.Reason)), expires, days, x.File)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return nil
}

// targets is "policy: rule,rule; policy: *", with podSecurity controls.
func targets(x *exception.Exception) string {
	parts := make([]string, 0, len(x.Targets))
	for _, t := range x.Targets {
		rules := "*"
		if t.Rules != nil {
			rules = strings.Join(t.Rules, ",")
		}
		name := t.Policy
		if t.Kind != "" {
			name = t.Kind + " " + t.Policy
		}
		parts = append(parts, name+": "+rules)
	}
	s := strings.Join(parts, "; ")
	if len(x.PodSecurity) > 0 {
		var controls []string
		for _, e := range x.PodSecurity {
			controls = append(controls, e.ControlName)
		}
		s += " [podSecurity: " + strings.Join(controls, ", ") + "]"
	}
	if x.FineGrained() {
		s += " [exempts nothing; allows " + allowed(x) + "]"
	}
	if x.Unsupported != "" {
		s += " [never applied: CEL matchConditions]"
	}
	return s
}

// allowed is what a fine-grained exception allows: "images: a, b; values: X".
func allowed(x *exception.Exception) string {
	var parts []string
	if len(x.Images) > 0 {
		parts = append(parts, "images: "+strings.Join(x.Images, ", "))
	}
	if len(x.AllowedValues) > 0 {
		parts = append(parts, "values: "+strings.Join(x.AllowedValues, ", "))
	}
	return strings.Join(parts, "; ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// exceptionJSON is one exception in "exceptions list -o json".
type exceptionJSON struct {
	Namespace   string            `json:"namespace"`
	Name        string            `json:"name"`
	APIVersion  string            `json:"apiVersion"`
	Policies    []exceptionTarget `json:"policies"`
	PodSecurity []string          `json:"podSecurity,omitempty"`
	// AllowedImages and AllowedValues are a fine-grained exception's
	// spec.images and spec.allowedValues: it exempts nothing, and the
	// policy reads them (exceptions.allowedImages, allowedValues).
	AllowedImages []string `json:"allowedImages,omitempty"`
	AllowedValues []string `json:"allowedValues,omitempty"`
	Owner         string   `json:"owner,omitempty"`
	Reason        string   `json:"reason,omitempty"`
	// Expires is the expiry as written; ExpiresAt the instant the
	// exception stops applying.
	Expires   string     `json:"expires,omitempty"`
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
	DaysLeft  *int       `json:"daysLeft,omitempty"`
	Expired   bool       `json:"expired"`
	// Unsupported says why the exception never applies at render time.
	Unsupported string `json:"unsupported,omitempty"`
	Source      string `json:"source"`
}

type exceptionTarget struct {
	Policy string   `json:"policy"`
	Kind   string   `json:"kind,omitempty"`
	Rules  []string `json:"rules,omitempty"`
}

func writeExceptionsJSON(w io.Writer, xs []*exception.Exception, at time.Time) error {
	list := make([]exceptionJSON, 0, len(xs))
	for _, x := range xs {
		j := exceptionJSON{
			Namespace: x.Namespace, Name: x.Name, APIVersion: x.APIVersion,
			AllowedImages: x.Images, AllowedValues: x.AllowedValues,
			Owner: x.Owner, Reason: x.Reason, Expires: x.ExpiresText,
			Expired: x.Expired(at), Unsupported: x.Unsupported, Source: x.File,
		}
		for _, t := range x.Targets {
			j.Policies = append(j.Policies, exceptionTarget{Policy: t.Policy, Kind: t.Kind, Rules: t.Rules})
		}
		for _, e := range x.PodSecurity {
			j.PodSecurity = append(j.PodSecurity, e.ControlName)
		}
		if n, ok := x.DaysLeft(at); ok {
			exp := x.Expires.UTC()
			j.ExpiresAt, j.DaysLeft = &exp, &n
		}
		list = append(list, j)
	}
	b, err := json.MarshalIndent(list, "", "  ")
	if err != nil {
		return err
	}
	if _, err := w.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("writing output: %w", err)
	}
	return nil
}
