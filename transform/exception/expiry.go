package exception

import (
	"fmt"
	"math"
	"time"
)

const dateLayout = "2006-01-02"

// parseExpiry reads preadmit.io/expires: an RFC 3339 date-time, or a date,
// valid through that day (UTC), so it returns the next midnight and
// date=true. Anything else is an error: an expiry that does not parse must
// not mean "never".
func parseExpiry(s string) (t time.Time, date bool, err error) {
	if t, err := time.Parse(time.RFC3339, s); err == nil {
		return t, false, nil
	}
	if d, err := time.Parse(dateLayout, s); err == nil {
		return d.AddDate(0, 0, 1), true, nil
	}
	return time.Time{}, false, fmt.Errorf("%q is not an RFC 3339 date (2025-12-31) or date-time (2025-12-31T23:59:59Z)", s)
}

// Expired reports whether the exception no longer applies at now.
func (x *Exception) Expired(now time.Time) bool {
	return !x.Expires.IsZero() && !now.Before(x.Expires)
}

// DaysLeft is the number of whole days from now until the exception stops
// applying: 0 on its last day, negative once expired (-1 the day after).
// ok is false for an exception that never expires.
func (x *Exception) DaysLeft(now time.Time) (days int, ok bool) {
	if x.Expires.IsZero() {
		return 0, false
	}
	left := x.Expires.Sub(now).Hours() / 24
	if x.Expired(now) {
		// The first day after the last day is -1.
		return -int(math.Floor(-left)) - 1, true
	}
	return int(math.Floor(left)), true
}

// LastDay is the expiry for people: the last day the exception applies for
// a date-only expiry, else the instant it stops applying (UTC); "" for none.
func (x *Exception) LastDay() string {
	switch {
	case x.Expires.IsZero():
		return ""
	case x.ExpiresDate:
		return x.Expires.AddDate(0, 0, -1).Format(dateLayout)
	}
	return x.Expires.UTC().Format(time.RFC3339)
}

// MissingMetadata lists the discipline annotations the exception lacks:
// "owner", "reason", "expiry". An expiry may also come from spec.expiresAt.
func (x *Exception) MissingMetadata() []string {
	var out []string
	if x.Owner == "" {
		out = append(out, "owner ("+AnnotationOwner+")")
	}
	if x.Reason == "" {
		out = append(out, "reason ("+AnnotationReason+")")
	}
	if x.Expires.IsZero() {
		out = append(out, "expiry ("+AnnotationExpires+")")
	}
	return out
}
