package transform

import (
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/variables"
)

// GlobalContextEntry is the data of a GlobalContextEntry, as a kyverno test
// mock gives it (Options.GlobalContext): a globalReference named
// "ENTRY.PROJECTION" reads the key PROJECTION of an object Data. Err, when
// set, is what reading the entry returns.
type GlobalContextEntry struct {
	Data interface{}
	Err  error
}

// get is the Kyverno CLI's mock entry Get.
func (g GlobalContextEntry) get(projection string) (interface{}, error) {
	if g.Err != nil {
		return nil, g.Err
	}
	if projection == "" {
		return g.Data, nil
	}
	m, ok := g.Data.(map[string]interface{})
	if !ok {
		return nil, fmt.Errorf("global context mock: projection %q requested but value is not an object", projection)
	}
	v, ok := m[projection]
	if !ok {
		return nil, fmt.Errorf("global context mock: projection %q not found", projection)
	}
	return v, nil
}

// APICallResponse is the response an apiCall context entry reads in place
// of the API server or a service (Options.APICallResponses): URL is a
// service.url or a urlPath; Method, when set, must be the entry's (GET by
// default); StatusCode 0 means 200.
type APICallResponse struct {
	URL, Method string
	StatusCode  int
	Body        interface{}
}

// apiCallEntry is what an apiCall context entry needs to be answered by a
// mock.
type apiCallEntry struct {
	url, method *variables.Template
	path        jmesPath
}

// globalRefEntry is a globalReference context entry.
type globalRefEntry struct {
	name *variables.Template
	path jmesPath
}

func compileAPICall(n *yaml.RNode) (*apiCallEntry, error) {
	url := scalarAt(n, "service", "url")
	if url == "" {
		url = scalarAt(n, "urlPath")
	}
	method := scalarAt(n, "method")
	if method == "" {
		method = "GET"
	}
	var a apiCallEntry
	var err error
	if a.url, err = variables.Compile(yaml.NewScalarRNode(url)); err != nil {
		return nil, fmt.Errorf("url: %w", err)
	}
	if a.method, err = variables.Compile(yaml.NewScalarRNode(method)); err != nil {
		return nil, fmt.Errorf("method: %w", err)
	}
	if a.path, err = compileJMESPath(scalarAt(n, "jmesPath")); err != nil {
		return nil, fmt.Errorf("jmesPath: %w", err)
	}
	return &a, nil
}

func compileGlobalRef(n *yaml.RNode) (*globalRefEntry, error) {
	var g globalRefEntry
	var err error
	if g.name, err = variables.Compile(yaml.NewScalarRNode(scalarAt(n, "name"))); err != nil {
		return nil, fmt.Errorf("name: %w", err)
	}
	if g.path, err = compileJMESPath(scalarAt(n, "jmesPath")); err != nil {
		return nil, fmt.Errorf("jmesPath: %w", err)
	}
	return &g, nil
}

// mockedAPICall answers an apiCall entry from Options.APICallResponses as
// the Kyverno CLI does: the URL and method substituted, a response for
// "METHOD:URL" first, then for the URL with any method; a status outside
// 2xx is an error; the entry's jmesPath applies to the body. ok is false
// when no response is given for the call.
func (e *Engine) mockedAPICall(a *apiCallEntry, ctx *variables.Context) (v interface{}, ok bool, err error) {
	if len(e.opts.APICallResponses) == 0 {
		return nil, false, nil
	}
	url, err := templateString(a.url, ctx)
	if err != nil {
		return nil, false, fmt.Errorf("url: %w", err)
	}
	method, err := templateString(a.method, ctx)
	if err != nil {
		return nil, false, fmt.Errorf("method: %w", err)
	}
	resp := e.apiCallResponse(strings.ToUpper(method), url)
	if resp == nil {
		return nil, false, nil
	}
	if code := resp.StatusCode; code != 0 && (code < 200 || code >= 300) {
		return nil, true, fmt.Errorf("HTTP %d from the apiCall response given for %s", code, url)
	}
	v, err = a.path.apply(ctx, resp.Body)
	return v, true, err
}

func (e *Engine) apiCallResponse(method, url string) *APICallResponse {
	var any *APICallResponse
	for i := range e.opts.APICallResponses {
		r := &e.opts.APICallResponses[i]
		if r.URL != url {
			continue
		}
		m := strings.ToUpper(strings.TrimSpace(r.Method))
		if m == method {
			return r
		}
		if m == "" && any == nil {
			any = r
		}
	}
	return any
}

// globalReference reads a globalReference entry from Options.GlobalContext
// as Kyverno's loader does: the name substituted, "ENTRY.PROJECTION" split
// at the first dot, the entry's jmesPath applied to its data.
func (e *Engine) globalReference(g *globalRefEntry, ctx *variables.Context) (interface{}, error) {
	name, err := templateString(g.name, ctx)
	if err != nil {
		return nil, fmt.Errorf("name: %w", err)
	}
	parts := strings.Split(name, ".")
	projection := ""
	if len(parts) > 1 {
		projection = parts[1]
	}
	entry, ok := e.opts.GlobalContext[parts[0]]
	if !ok {
		return nil, fmt.Errorf("no global context entry %s", parts[0])
	}
	data, err := entry.get(projection)
	if err != nil {
		return nil, err
	}
	return g.path.apply(ctx, data)
}

func templateString(t *variables.Template, ctx *variables.Context) (string, error) {
	v, err := t.Value(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprint(v), nil
}

// jmesPath is an optional JMESPath expression, written with or without
// variables in it.
type jmesPath struct {
	static *variables.Expr
	dyn    *dynamicExpr
}

func compileJMESPath(text string) (jmesPath, error) {
	var p jmesPath
	var err error
	switch {
	case strings.Contains(text, "{{"):
		p.dyn, err = newDynamicExpr(text)
	case text != "":
		p.static, err = variables.ParseExpr(text)
	}
	return p, err
}

// expr is the expression to evaluate in ctx (substituted and parsed when
// it holds variables), or nil when there is none.
func (p jmesPath) expr(ctx *variables.Context) (*variables.Expr, error) {
	if p.dyn != nil {
		return p.dyn.expr(ctx)
	}
	return p.static, nil
}

// apply evaluates the expression on data, or returns data when there is
// none.
func (p jmesPath) apply(ctx *variables.Context, data interface{}) (interface{}, error) {
	expr, err := p.expr(ctx)
	if err != nil {
		return nil, err
	}
	if expr == nil {
		return data, nil
	}
	return expr.EvaluateOn(ctx, data)
}
