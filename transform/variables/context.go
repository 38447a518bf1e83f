package variables

import (
	"reflect"
	"strings"
	"sync"
	"time"

	gojmespath "github.com/kyverno/go-jmespath"
)

// Context is the data variables are resolved against: a JSON-like tree of
// map[string]interface{}, []interface{}, string, float64, bool and nil.
//
// Set copies the maps along the path it writes the first time, so a Clone
// is cheap and writing to a clone (a foreach element, say) never changes the
// original; later writes to maps the context copied itself go in place.
type Context struct {
	data map[string]interface{}
	env  *env
	// owned are the maps this context copied and no clone shares: Set may
	// write them in place. Holding them here also keeps their identity.
	owned []map[string]interface{}
}

// env holds what functions need besides their arguments. It is shared by a
// Context and its clones.
type env struct {
	now  func() time.Time
	seed uint64
	once sync.Once
	fc   gojmespath.InterpreterOption
}

// NewContext returns an empty context. Its clock is time.Now and its random
// seed is 0; see SetClock and SetSeed.
func NewContext() *Context {
	return &Context{data: map[string]interface{}{}, env: &env{now: time.Now}}
}

// SetClock sets the clock used by time_now, time_now_utc and time_since.
// Renders that must be reproducible pass a fixed time.
func (c *Context) SetClock(now func() time.Time) {
	c.env = &env{now: now, seed: c.env.seed}
}

// SetSeed sets the seed of the random() function. random() output depends
// only on the seed and the pattern, so renders are reproducible.
func (c *Context) SetSeed(seed uint64) {
	c.env = &env{now: c.env.now, seed: seed}
}

// Set stores value at a dot-separated path such as "request.object",
// creating objects on the way and replacing non-objects. value must be
// JSON-like (see FromRNode); it is stored as is, not copied.
func (c *Context) Set(path string, value interface{}) {
	c.data = c.writable(c.data)
	m := c.data
	for {
		k, rest, more := strings.Cut(path, ".")
		if !more {
			m[k] = value
			return
		}
		child, _ := m[k].(map[string]interface{})
		child = c.writable(child)
		m[k] = child
		m, path = child, rest
	}
}

// SetFields is Set with the path given as its keys, which may hold dots
// (metadata.annotations."example.com/team" is four keys).
func (c *Context) SetFields(keys []string, value interface{}) {
	c.data = c.writable(c.data)
	m := c.data
	for i, k := range keys {
		if i == len(keys)-1 {
			m[k] = value
			return
		}
		child, _ := m[k].(map[string]interface{})
		child = c.writable(child)
		m[k] = child
		m = child
	}
}

// writable returns m itself when the context owns it, else a copy it owns.
func (c *Context) writable(m map[string]interface{}) map[string]interface{} {
	for _, o := range c.owned {
		if sameMap(o, m) {
			return m
		}
	}
	out := make(map[string]interface{}, len(m)+1)
	for k, v := range m {
		out[k] = v
	}
	c.owned = append(c.owned, out)
	return out
}

// sameMap reports whether a and b are the same map (not equal maps).
func sameMap(a, b map[string]interface{}) bool {
	return a != nil && b != nil && reflect.ValueOf(a).UnsafePointer() == reflect.ValueOf(b).UnsafePointer()
}

// Get returns the value at a dot-separated path, and whether it exists.
func (c *Context) Get(path string) (interface{}, bool) {
	var cur interface{} = c.data
	for more := true; more; {
		var k string
		k, path, more = strings.Cut(path, ".")
		m, ok := cur.(map[string]interface{})
		if !ok {
			return nil, false
		}
		if cur, ok = m[k]; !ok {
			return nil, false
		}
	}
	return cur, true
}

// Data returns the root object. Callers must not modify it.
func (c *Context) Data() map[string]interface{} { return c.data }

// Over returns a context whose root object is top, with c's top-level
// entries added where top has none of its own: the way to start a
// context with several variables at once. The new context owns top (the
// caller must not keep it); the values below top's entries are shared.
func (c *Context) Over(top map[string]interface{}) *Context {
	for k, v := range c.data {
		if _, ok := top[k]; !ok {
			top[k] = v
		}
	}
	return &Context{data: top, env: c.env, owned: []map[string]interface{}{top}}
}

// Clone returns a context sharing data with c; Set on either side does not
// affect the other.
func (c *Context) Clone() *Context {
	// Both now share every map: neither may write one in place. (Only
	// written when set, so that clones of a shared base do not race.)
	if c.owned != nil {
		c.owned = nil
	}
	return &Context{data: c.data, env: c.env}
}

// functions returns the interpreter option that registers Kyverno's
// function library over JMESPath's built-ins, as Kyverno's
// jmespath.New does: a custom function replaces a built-in of the same
// name (sum). It is made once per env, as the clock and the seed are.
func (c *Context) functions() gojmespath.InterpreterOption {
	c.env.once.Do(func() {
		fc := gojmespath.NewFunctionCaller()
		for _, f := range functionTable(c.env) {
			fc.Register(f)
		}
		c.env.fc = gojmespath.WithFunctionCaller(fc)
	})
	return c.env.fc
}
