package pipeline

import (
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/preadmit/preadmit/transform/policy"
)

// TestLoadPoliciesNames checks the names --enable and --disable take: a
// name that is no policy is a policy error naming the flag, as a typo must
// not leave a policy off or on in silence.
func TestLoadPoliciesNames(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts Options
		// loaded must be in the set, and err in the error ("" = none).
		loaded, absent string
		err            string
	}{
		{name: "enable opt-in", opts: Options{Enable: []string{"podsecurity-restricted"}}, loaded: "podsecurity-restricted"},
		{name: "opt-in off by default", opts: Options{}, loaded: "disallow-latest-tag", absent: "podsecurity-restricted"},
		{name: "enable a loaded built-in", opts: Options{Enable: []string{"disallow-latest-tag"}}, loaded: "disallow-latest-tag"},
		{name: "enable outside the profile", opts: Options{Profile: ProfileNone, Enable: []string{"disallow-privileged-containers"}},
			loaded: "disallow-latest-tag", absent: "disallow-privileged-containers"},
		{name: "enable a user policy", opts: Options{NoBuiltin: true, Policies: []string{"../cmd/preadmit/testdata/policies/require-team-label.yaml"},
			Enable: []string{"require-team-label"}}, loaded: "require-team-label"},
		{name: "enable a built-in without the library", opts: Options{NoBuiltin: true, Policies: []string{"../cmd/preadmit/testdata/policies/require-team-label.yaml"},
			Enable: []string{"podsecurity-baseline"}}, loaded: "require-team-label", absent: "podsecurity-baseline"},
		{name: "enable unknown", opts: Options{Enable: []string{"podsecurity-restricted", "no-such-policy"}},
			err: "policy no-such-policy: --enable no-such-policy: no such policy (see 'preadmit policies')"},
		{name: "enable unknown without the library", opts: Options{NoBuiltin: true, Enable: []string{"no-such-policy"}},
			err: "--enable no-such-policy: no such policy"},
		{name: "disable unknown", opts: Options{Disable: []string{"no-such-policy"}},
			err: "policy no-such-policy: --disable no-such-policy: no such policy (see 'preadmit policies')"},
		{name: "disable loaded", opts: Options{Disable: []string{"disallow-latest-tag"}}, loaded: "require-labels", absent: "disallow-latest-tag"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			set, err := LoadPolicies(tc.opts)
			if tc.err != "" {
				var pe *policy.Error
				if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want a *policy.Error with %q", err, tc.err)
				}
				if code := ExitCode(err); code != ExitError {
					t.Errorf("exit code %d, want %d", code, ExitError)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			names := make([]string, 0, len(set.Policies))
			for _, p := range set.Policies {
				names = append(names, p.Name)
			}
			if !slices.Contains(names, tc.loaded) {
				t.Errorf("%s is not loaded: %v", tc.loaded, names)
			}
			if tc.absent != "" && slices.Contains(names, tc.absent) {
				t.Errorf("%s is loaded: %v", tc.absent, names)
			}
		})
	}
}
