package kyvernotest

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	sigsyaml "sigs.k8s.io/yaml"

	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/variables"
)

// apiCallResponses checks a test's apiCallResponses as kyverno test does
// and turns them into the engine's.
func apiCallResponses(entries []APICallResponseEntry) ([]transform.APICallResponse, error) {
	var out []transform.APICallResponse
	seen := map[string]bool{}
	for i, e := range entries {
		where := fmt.Sprintf("apiCallResponses[%d]", i)
		u, up := strings.TrimSpace(e.URL), strings.TrimSpace(e.URLPath)
		switch {
		case u == "" && up == "":
			return nil, fmt.Errorf("%s: either url or urlPath is required", where)
		case u != "" && up != "":
			return nil, fmt.Errorf("%s: url and urlPath are mutually exclusive", where)
		case u != "":
			p, err := url.Parse(u)
			if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Hostname() == "" {
				return nil, fmt.Errorf("%s: url %q must be an absolute https or http URL", where, u)
			}
		case !strings.HasPrefix(up, "/"):
			return nil, fmt.Errorf("%s: urlPath %q must be an absolute path starting with '/'", where, up)
		}
		link := u + up
		method := strings.ToUpper(strings.TrimSpace(e.Method))
		if method != "" && method != "GET" && method != "POST" {
			return nil, fmt.Errorf("%s: method must be GET or POST", where)
		}
		var body map[string]interface{}
		if err := json.Unmarshal(e.Response.Body, &body); err != nil || body == nil {
			return nil, fmt.Errorf("%s %q: response.body is required and must be an object", where, link)
		}
		if sc := e.Response.StatusCode; sc != 0 && (sc < 100 || sc > 599) {
			return nil, fmt.Errorf("%s %q: statusCode %d must be between 100 and 599", where, link, sc)
		}
		key := method + ":" + link
		if seen[key] {
			return nil, fmt.Errorf("%s: duplicate entry for %q: each method and url must be given once", where, link)
		}
		seen[key] = true
		out = append(out, transform.APICallResponse{URL: link, Method: method, StatusCode: e.Response.StatusCode, Body: body})
	}
	return out, nil
}

// globalContext checks a test's globalContextEntries as kyverno test does
// and resolves them to the entries' data: data, the list of resources
// (inline or from files relative to dir), then fieldPath and projections.
func globalContext(dir string, entries []GlobalContextMock) (map[string]transform.GlobalContextEntry, error) {
	if len(entries) == 0 {
		return nil, nil
	}
	out := map[string]transform.GlobalContextEntry{}
	for _, e := range entries {
		name := strings.TrimSpace(e.Name)
		if name == "" {
			return nil, errors.New("globalContextEntries: name is required")
		}
		if _, dup := out[name]; dup {
			return nil, fmt.Errorf("globalContextEntries: duplicate name %q", name)
		}
		data, err := mockData(dir, e)
		if err != nil {
			return nil, fmt.Errorf("globalContextEntries %q: %w", name, err)
		}
		out[name] = transform.GlobalContextEntry{Data: data}
	}
	return out, nil
}

func mockData(dir string, e GlobalContextMock) (interface{}, error) {
	hasData := len(e.Data) > 0 && strings.TrimSpace(string(e.Data)) != "null"
	sources := 0
	for _, has := range []bool{hasData, e.Resources != nil, e.ResourceFiles != nil} {
		if has {
			sources++
		}
	}
	if sources != 1 {
		return nil, errors.New("exactly one of data, resources and resourceFiles is required")
	}
	var root interface{}
	switch {
	case hasData:
		var m map[string]interface{}
		if err := json.Unmarshal(e.Data, &m); err != nil {
			return nil, fmt.Errorf("data must be an object: %w", err)
		}
		root = m
	case e.Resources != nil:
		list := []interface{}{}
		for i, r := range e.Resources {
			var m map[string]interface{}
			if err := json.Unmarshal(r, &m); err != nil || m == nil {
				return nil, fmt.Errorf("resources[%d]: must be an object (a Kubernetes manifest)", i)
			}
			list = append(list, m)
		}
		root = list
	default:
		list := []interface{}{}
		for _, f := range e.ResourceFiles {
			clean := filepath.ToSlash(filepath.Clean(strings.TrimSpace(f)))
			if f == "" || filepath.IsAbs(clean) || clean == ".." || strings.HasPrefix(clean, "../") {
				return nil, fmt.Errorf("resourceFiles: %q must be a path inside the test's directory", f)
			}
			docs, err := readObjects(filepath.Join(dir, clean))
			if err != nil {
				return nil, fmt.Errorf("resourceFiles %q: %w", f, err)
			}
			list = append(list, docs...)
		}
		root = list
	}
	if e.FieldPath != "" {
		var err error
		if root, err = search(e.FieldPath, root); err != nil {
			return nil, fmt.Errorf("fieldPath: %w", err)
		}
	}
	if len(e.Projections) == 0 {
		return root, nil
	}
	out := map[string]interface{}{}
	for _, p := range e.Projections {
		if strings.TrimSpace(p.Name) == "" || strings.TrimSpace(p.Path) == "" {
			return nil, errors.New("projections: name and path are required")
		}
		v, err := search(p.Path, root)
		if err != nil {
			return nil, fmt.Errorf("projection %q: %w", p.Name, err)
		}
		out[p.Name] = v
	}
	return out, nil
}

// search evaluates a JMESPath expression on data, with Kyverno's functions.
func search(path string, data interface{}) (interface{}, error) {
	e, err := variables.ParseExpr(path)
	if err != nil {
		return nil, err
	}
	return e.EvaluateOn(variables.NewContext(), data)
}

// readObjects reads the objects of a YAML stream, skipping empty documents.
func readObjects(path string) ([]interface{}, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []interface{}
	for i, doc := range splitDocs(b) {
		var m map[string]interface{}
		if err := sigsyaml.Unmarshal(doc, &m); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if len(m) > 0 {
			out = append(out, m)
		}
	}
	return out, nil
}
