package transform

import (
	"time"

	"github.com/preadmit/preadmit/transform/exception"
)

// run is one render of a stream: the Engine it renders with, which it only
// reads, and what the stream gives every document's render, set before
// the first document renders and read-only while they render at once.
// Renders of one Engine each have their own run, so they may run
// concurrently.
type run struct {
	*Engine
	// configMaps are the ConfigMaps a context entry can read, by
	// "namespace/name": from Options and from the stream being rendered.
	configMaps map[string]interface{}
	// nsLabels are the labels of the namespaces known for this render,
	// for namespaceSelector: from Options and from the stream.
	nsLabels map[string]map[string]string
	// covering lists, per rule, the exceptions that name it, and now is
	// the time their expiry is judged at.
	covering map[*rule][]*exception.Exception
	now      time.Time
	// exceptions are every exception of the render: Options' and the
	// stream's (the stream's own policies are covered once compiled).
	exceptions []*exception.Exception
	// cel is what CEL rules read beside the resource (celstate.go).
	cel *celState
}

func (e *Engine) newRun() *run { return &run{Engine: e} }
