package anchor

import (
	"fmt"
	"strings"
)

// Type is the kind of an anchor.
type Type int

// The anchor kinds Kyverno documents. None means the key is a plain key.
const (
	None            Type = iota
	Condition            // (key)
	Global               // <(key)
	Negation             // X(key)
	AddIfNotPresent      // +(key)
	Equality             // =(key)
	Existence            // ^(key)
)

// String returns the anchor's written form around the placeholder "key".
func (t Type) String() string {
	switch t {
	case None:
		return "key"
	case Condition:
		return "(key)"
	case Global:
		return "<(key)"
	case Negation:
		return "X(key)"
	case AddIfNotPresent:
		return "+(key)"
	case Equality:
		return "=(key)"
	case Existence:
		return "^(key)"
	}
	return fmt.Sprintf("anchor(%d)", int(t))
}

// Anchor is a parsed map key.
type Anchor struct {
	Type Type
	// Key is the field name with the anchor syntax removed.
	Key string
}

// UnknownError reports a key that is written like an anchor but uses a
// modifier Kyverno does not define, such as "~(key)".
type UnknownError struct {
	Raw string
}

func (e *UnknownError) Error() string {
	return fmt.Sprintf("unknown anchor %q: Kyverno anchors are (key), <(key), X(key), +(key), =(key) and ^(key)", e.Raw)
}

var modifiers = map[byte]Type{
	'<': Global,
	'X': Negation,
	'+': AddIfNotPresent,
	'=': Equality,
	'^': Existence,
}

// Parse parses a map key. A key without anchor syntax yields Type None and the
// key unchanged. A key that looks like an anchor with an unknown modifier
// returns an *UnknownError.
func Parse(raw string) (Anchor, error) {
	if !strings.HasSuffix(raw, ")") {
		return Anchor{Type: None, Key: raw}, nil
	}
	open := strings.IndexByte(raw, '(')
	switch open {
	case -1:
		return Anchor{Type: None, Key: raw}, nil
	case 0:
		if len(raw) < 3 {
			return Anchor{}, &UnknownError{Raw: raw}
		}
		return Anchor{Type: Condition, Key: raw[1 : len(raw)-1]}, nil
	case 1:
		t, ok := modifiers[raw[0]]
		if !ok || len(raw) < 4 {
			return Anchor{}, &UnknownError{Raw: raw}
		}
		return Anchor{Type: t, Key: raw[2 : len(raw)-1]}, nil
	default:
		// Parentheses deeper in a key, e.g. "foo(bar)": Kubernetes field
		// names never contain them, so this is a malformed anchor.
		return Anchor{}, &UnknownError{Raw: raw}
	}
}

// Write returns the written form of a key with the given anchor type.
func Write(t Type, key string) string {
	switch t {
	case Condition:
		return "(" + key + ")"
	case Global:
		return "<(" + key + ")"
	case Negation:
		return "X(" + key + ")"
	case AddIfNotPresent:
		return "+(" + key + ")"
	case Equality:
		return "=(" + key + ")"
	case Existence:
		return "^(" + key + ")"
	}
	return key
}
