package quantity

import (
	"fmt"
	"strconv"
	"strings"

	"k8s.io/apimachinery/pkg/api/resource"
)

// MaxLen is the longest text read as a quantity. Real quantities are a
// handful of characters; a long run of digits gives a scale whose power of
// ten apimachinery would compute on every comparison.
const MaxLen = 64

// MaxExponent bounds the decimal exponent of the "1e3" form for the same
// reason: "1e1000000000" parses, then Cmp or String never return.
const MaxExponent = 1000

// Parse returns the quantity s denotes. It fails for text that is not a
// quantity and for quantities too large to compare in bounded time.
func Parse(s string) (resource.Quantity, error) {
	if len(s) > MaxLen {
		return resource.Quantity{}, fmt.Errorf("quantity longer than %d characters", MaxLen)
	}
	if i := strings.LastIndexAny(s, "eE"); i >= 0 && i+1 < len(s) {
		// "E" alone is the exa suffix; "e<n>" or "E<n>" is an exponent.
		if e, err := strconv.Atoi(s[i+1:]); err == nil && (e > MaxExponent || e < -MaxExponent) {
			return resource.Quantity{}, fmt.Errorf("quantity exponent %d out of range", e)
		}
	}
	return resource.ParseQuantity(s)
}
