package values

import (
	"fmt"
	"strings"
)

// SetError reports a --set entry that is not key=value.
type SetError struct{ Entry string }

func (e *SetError) Error() string {
	return fmt.Sprintf("--set %q: expected key=value, e.g. --set preadmit.registry=registry.local", e.Entry)
}

// ParseSet reads --set entries, each "key=value" or a comma-separated list
// of them, as kyverno apply --set does. Values are strings. A later entry
// for a key replaces an earlier one. Kyverno skips malformed entries and
// keys under request.object silently; preadmit reports them.
func ParseSet(entries []string) (map[string]interface{}, error) {
	out := map[string]interface{}{}
	for _, e := range entries {
		for _, kv := range strings.Split(e, ",") {
			kv = strings.TrimSpace(kv)
			if kv == "" {
				continue
			}
			k, v, ok := strings.Cut(kv, "=")
			k, v = strings.TrimSpace(k), strings.TrimSpace(v)
			if !ok || k == "" {
				return nil, &SetError{Entry: kv}
			}
			if strings.HasPrefix(k, "request.object") {
				return nil, fmt.Errorf("--set %q: request.object is the resource being rendered and cannot be set", kv)
			}
			out[k] = v
		}
	}
	return out, nil
}
