package schema

import (
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	structuralschema "k8s.io/apiextensions-apiserver/pkg/apiserver/schema"
	"k8s.io/apiextensions-apiserver/pkg/apiserver/schema/pruning"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/runtime"
	kjson "k8s.io/apimachinery/pkg/util/json"
	openapierrors "k8s.io/kube-openapi/pkg/validation/errors"
)

// FieldError is one field of a document that its CRD schema does not allow.
type FieldError struct {
	// Path is the field, e.g. "spec.rules[0].validate.mesage".
	Path string
	// Unknown is set when the schema has no such field.
	Unknown bool
	// Detail says what is wrong with a known field's value.
	Detail string
	// Hint is the nearest valid field name for an unknown field, if any
	// is near enough to be the one meant.
	Hint string
}

func (e FieldError) Error() string {
	return e.Path + ": " + e.Problem().Error()
}

// Problem is what is wrong with the field, without its path: an
// *UnknownFieldError for an unknown field.
func (e FieldError) Problem() error {
	if e.Unknown {
		return &UnknownFieldError{Hint: e.Hint}
	}
	return errors.New(e.Detail)
}

// UnknownFieldError is a field the schema does not have where it is.
type UnknownFieldError struct {
	// Hint is the nearest field name the schema has there, if one is near.
	Hint string
}

func (e *UnknownFieldError) Error() string {
	if e.Hint == "" {
		return "unknown field"
	}
	return fmt.Sprintf("unknown field (did you mean %s?)", e.Hint)
}

// Validate checks a document, given as its JSON, against the schema of its
// apiVersion and kind. It returns the fields the schema does not allow,
// sorted by path; none for a kind Kyverno's CRDs do not define (see
// Served). The error is for a document that is not a JSON object.
func Validate(apiVersion, kind string, doc []byte) ([]FieldError, error) {
	c, err := schemaFor(apiVersion, kind)
	if err != nil || c == nil {
		return nil, err
	}
	var obj map[string]interface{}
	if err := kjson.Unmarshal(doc, &obj); err != nil {
		return nil, err
	}
	var errs []FieldError
	errs = append(errs, checkMetadata(obj["metadata"])...)
	// Pruning removes what it reports, so that the validator below sees
	// the document as the API server would store it, and each unknown
	// field is reported once.
	original := runtime.DeepCopyJSONValue(obj)
	unknown := pruning.PruneWithOptions(obj, c.structural, true, structuralschema.UnknownFieldPathOptions{TrackUnknownFieldPaths: true})
	for _, p := range unknown {
		errs = append(errs, FieldError{Path: p, Unknown: true, Hint: hint(original, c.structural, p)})
	}
	delete(obj, "metadata") // checked above, as a Kubernetes ObjectMeta
	res := c.validator.Validate(obj)
	for _, e := range res.Errors {
		errs = append(errs, fieldError(e))
	}
	sort.SliceStable(errs, func(i, j int) bool { return errs[i].Path < errs[j].Path })
	return dedupe(errs), nil
}

// fieldError turns the OpenAPI validator's error into a FieldError with the
// path and wording the API server gives it.
func fieldError(err error) FieldError {
	var v *openapierrors.Validation
	if !errors.As(err, &v) {
		return FieldError{Detail: err.Error()}
	}
	path := strings.TrimPrefix(v.Name, ".")
	var detail string
	switch v.Code() {
	case openapierrors.RequiredFailCode:
		detail = "Required value"
	case openapierrors.EnumFailCode:
		values := make([]string, len(v.Values))
		for i, a := range v.Values {
			values[i] = strconv.Quote(fmt.Sprint(a))
		}
		detail = fmt.Sprintf("Unsupported value: %s: supported values: %s", quote(v.Value), strings.Join(values, ", "))
	default:
		// The validator's message starts with the path and where it is
		// ("spec.background in body must be of type boolean: "string"").
		msg := strings.TrimPrefix(v.Error(), v.Name+" ")
		msg = strings.TrimPrefix(msg, "in "+v.In+" ")
		detail = "Invalid value: " + msg
	}
	return FieldError{Path: path, Detail: detail}
}

func quote(v interface{}) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

func dedupe(errs []FieldError) []FieldError {
	out := errs[:0]
	for i, e := range errs {
		if i > 0 && e == errs[i-1] {
			continue
		}
		out = append(out, e)
	}
	return out
}

// objectMetaFields are the JSON names of a Kubernetes ObjectMeta's fields.
var objectMetaFields = func() []string {
	t := reflect.TypeFor[metav1.ObjectMeta]()
	var names []string
	for i := range t.NumField() {
		if name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ","); name != "" && name != "-" {
			names = append(names, name)
		}
	}
	return names
}()

// checkMetadata checks metadata as the API server decodes an ObjectMeta:
// unknown fields by name, values by decoding.
func checkMetadata(m interface{}) []FieldError {
	if m == nil {
		return nil
	}
	meta, ok := m.(map[string]interface{})
	if !ok {
		return []FieldError{{Path: "metadata", Detail: fmt.Sprintf("Invalid value: %s: must be an object", quote(m))}}
	}
	var errs []FieldError
	known := map[string]bool{}
	for _, f := range objectMetaFields {
		known[f] = true
	}
	for k := range meta {
		if !known[k] {
			errs = append(errs, FieldError{Path: "metadata." + k, Unknown: true, Hint: nearest(k, objectMetaFields)})
			delete(meta, k)
		}
	}
	b, err := json.Marshal(meta)
	if err == nil {
		var om metav1.ObjectMeta
		if err := json.Unmarshal(b, &om); err != nil {
			path := "metadata"
			var te *json.UnmarshalTypeError
			if errors.As(err, &te) && te.Field != "" {
				path += "." + te.Field
				err = fmt.Errorf("expected %s, got %s", te.Type, te.Value)
			}
			errs = append(errs, FieldError{Path: path, Detail: "Invalid value: " + err.Error()})
		}
	}
	return errs
}

// FieldErrors are all the fields of one document its schema does not allow.
type FieldErrors []FieldError

func (es FieldErrors) Error() string {
	s := make([]string, len(es))
	for i, e := range es {
		s[i] = e.Error()
	}
	return strings.Join(s, "; ")
}
