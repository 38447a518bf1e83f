package variables

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// Examples are from https://kyverno.io/docs/writing-policies/jmespath/
// (the custom filters section) unless noted.
func TestFunctions(t *testing.T) {
	data := map[string]interface{}{
		"labels": map[string]interface{}{"app": "nginx", "tier": "web"},
		"list":   []interface{}{"a", "b"},
		"pod": map[string]interface{}{
			"spec": map[string]interface{}{
				"containers": []interface{}{
					map[string]interface{}{"name": "a", "resources": map[string]interface{}{"requests": map[string]interface{}{"memory": "100Mi"}}},
					map[string]interface{}{"name": "b", "resources": map[string]interface{}{"requests": map[string]interface{}{"memory": "1Gi"}}},
				},
			},
		},
	}
	tests := []struct {
		expr    string
		want    interface{}
		wantErr string
	}{
		{expr: "compare('a', 'b')", want: -1.0},
		{expr: "compare('b', 'b')", want: 0.0},
		{expr: "equal_fold('Go', 'GO')", want: true},
		{expr: "replace('Lorem ipsum dolor sit amet', 'ipsum', 'muspi', `-1`)", want: "Lorem muspi dolor sit amet"},
		{expr: "replace('aaa', 'a', 'b', `1`)", want: "baa"},
		{expr: "replace_all('Lorem ipsum dolor sit amet', 'Lorem ipsum', 'Muspi merol')", want: "Muspi merol dolor sit amet"},
		{expr: "to_upper('Lorem')", want: "LOREM"},
		{expr: "to_lower('LoReM')", want: "lorem"},
		{expr: "trim('¡¡¡Hello, Gophers!!!', '!¡')", want: "Hello, Gophers"},
		{expr: "trim_prefix('ghcr.io/kyverno', 'ghcr.io/')", want: "kyverno"},
		{expr: "split('Hello, Gophers', ', ')", want: []interface{}{"Hello", "Gophers"}},
		{expr: "regex_replace_all('([Hh]e|G)l', 'Hello, Gophers', '${2}G')", want: "Glo, Gophers"},
		{expr: "regex_replace_all('([0-9])', 'v1.2', '$1$1')", want: "v11.22"},
		{expr: "regex_replace_all_literal('[Hh]el?', 'Hello, Gophers', 'G')", want: "Glo, GopGrs"},
		{expr: "regex_match('^[1-7]$', '1')", want: true},
		{expr: "regex_match('^[1-7]$', `8`)", want: false},
		{expr: "regex_match('[', 'x')", wantErr: "regex_match"},
		{expr: "pattern_match('prefix-*-suffix', 'prefix-foo-suffix')", want: true},
		{expr: "pattern_match('12*', `123`)", want: true},
		{expr: "pattern_match('a?c', 'abbc')", want: false},
		{expr: "label_match(`{\"app\": \"nginx\"}`, labels)", want: true},
		{expr: "label_match(`{\"app\": \"other\"}`, labels)", want: false},
		{expr: "to_boolean('TruE')", want: true},
		{expr: "to_boolean('nope')", wantErr: "to_boolean"},
		{expr: "add(`12`, `13`)", want: 25.0},
		{expr: "add('12Ki', '13Ki')", want: "25Ki"},
		{expr: "add('12s', '13s')", want: "25s"},
		// "13m" is 13 milli as a quantity, and quantities are tried first.
		{expr: "add('12s', '13m')", wantErr: "Types mismatch"},
		{expr: "add('1m30s', '1h')", want: "1h1m30s"},
		{expr: "add(`12`, '13s')", wantErr: "Types mismatch"},
		{expr: "add('abc', `1`)", wantErr: "invalid operands"},
		{expr: "sum(`[12, 13]`)", want: 25.0},
		{expr: "sum(['12Ki', '13Ki'])", want: "25Ki"},
		{expr: "sum(pod.spec.containers[].resources.requests.memory)", want: "1124Mi"},
		{expr: "sum(`[]`)", wantErr: "at least one element"},
		{expr: "subtract(`12`, `13`)", want: -1.0},
		{expr: "subtract('12Ki', '13Ki')", want: "-1Ki"},
		{expr: "subtract('12s', '13s')", want: "-1s"},
		{expr: "multiply(`12`, `13`)", want: 156.0},
		{expr: "multiply('12Ki', `13`)", want: "156Ki"},
		{expr: "multiply(`13`, '12Ki')", want: "156Ki"},
		{expr: "multiply('12s', `13`)", want: "2m36s"},
		{expr: "multiply('12s', '13s')", wantErr: "Types mismatch"},
		{expr: "divide(`12`, `13`)", want: 12.0 / 13.0},
		{expr: "divide('12Ki', '3Ki')", want: 4.0},
		{expr: "divide('12Ki', `3`)", want: "4Ki"},
		{expr: "divide('12s', '3s')", want: 4.0},
		{expr: "divide('12s', `3`)", want: "4s"},
		{expr: "divide(`12`, `0`)", wantErr: "Zero divisor passed"},
		{expr: "modulo(`12`, `13`)", want: 12.0},
		{expr: "modulo('12Ki', '5Ki')", want: "2Ki"},
		{expr: "modulo('13s', '2s')", want: "1s"},
		{expr: "modulo(`12.5`, `2`)", wantErr: "Non-integer"},
		{expr: "round(`3.14159`, `2`)", want: 3.14},
		{expr: "round(`3.5`, `0`)", want: 4.0},
		{expr: "round(`3.5`, `0.5`)", wantErr: "round off"},
		{expr: "base64_decode('SGVsbG8sIHdvcmxkIQ==')", want: "Hello, world!"},
		{expr: "base64_encode('Hello, world!')", want: "SGVsbG8sIHdvcmxkIQ=="},
		{expr: "base64_decode('!!')", wantErr: "illegal base64"},
		{expr: "path_canonicalize('/var//lib///kubelet')", want: "/var/lib/kubelet"},
		{expr: "path_canonicalize('/a/../etc')", want: "/etc"},
		{expr: "truncate('Lorem ipsum dolor sit amet', `5`)", want: "Lorem"},
		{expr: "truncate('Lorem', `-1`)", want: ""},
		{expr: "truncate('Lorem', `50`)", want: "Lorem"},
		{expr: "semver_compare('4.1.3', '>=4.1.x')", want: true},
		{expr: "semver_compare('4.1.3', '!4.x.x')", wantErr: "invalid"},
		{expr: "semver_compare('1.2.3', '>1.0.0 <2.0.0 || >=3.0.0')", want: true},
		{expr: "semver_compare('2.5.0', '>1.0.0 <2.0.0 || >=3.0.0')", want: false},
		{expr: "semver_compare('1.5.0', '!=1.x')", want: false},
		{expr: "semver_compare('2.0.0', '!=1.x')", want: true},
		{expr: "semver_compare('1.0.0-alpha', '<1.0.0')", want: true},
		{expr: "parse_json('{\"a\": [1, \"b\"]}')", want: map[string]interface{}{"a": []interface{}{1.0, "b"}}},
		{expr: "parse_json('nope')", wantErr: "invalid character"},
		{expr: "parse_yaml('a: [1, b]')", want: map[string]interface{}{"a": []interface{}{1.0, "b"}}},
		{expr: "lookup(labels, 'app')", want: "nginx"},
		{expr: "lookup(list, `1`)", want: "b"},
		{expr: "lookup(list, `5`)", want: nil},
		{expr: "items(labels, 'key', 'value')", want: []interface{}{
			map[string]interface{}{"key": "app", "value": "nginx"},
			map[string]interface{}{"key": "tier", "value": "web"},
		}},
		{expr: "items(list, 'i', 'v')", want: []interface{}{
			map[string]interface{}{"i": 0.0, "v": "a"},
			map[string]interface{}{"i": 1.0, "v": "b"},
		}},
		{expr: "object_from_lists(['a', 'b'], [`1`])", want: map[string]interface{}{"a": 1.0, "b": nil}},
		{expr: "time_to_cron('2023-02-02T15:04:05Z')", want: "4 15 2 2 4"},
		{expr: "time_add('2023-01-12T12:37:56-05:00', '6h')", want: "2023-01-12T18:37:56-05:00"},
		{expr: "time_parse('Mon Jan 02 2006 15:04:05 -0700', 'Sat Jan 14 2023 11:48:24 -0500')", want: "2023-01-14T11:48:24-05:00"},
		{expr: "time_parse('1702691171', '1702691171')", want: "2023-12-16T01:46:11Z"},
		{expr: "time_utc('2023-01-12T12:37:56-05:00')", want: "2023-01-12T17:37:56Z"},
		{expr: "time_diff('2023-01-10T00:00:00Z', '2023-01-11T00:00:00Z')", want: "24h0m0s"},
		{expr: "time_before('2023-01-10T00:00:00Z', '2023-01-11T00:00:00Z')", want: true},
		{expr: "time_after('2023-01-10T00:00:00Z', '2023-01-11T00:00:00Z')", want: false},
		{expr: "time_between('2023-01-12T00:00:00Z', '2023-01-01T00:00:00Z', '2023-01-15T23:59:59Z')", want: true},
		{expr: "time_truncate('2023-01-12T17:37:56Z', '1h')", want: "2023-01-12T17:00:00Z"},
		{expr: "time_since('', '2021-01-02T15:04:05Z', '2021-01-10T03:04:05Z')", want: "180h0m0s"},
		{expr: "time_since('', '2021-01-02T15:04:05Z', '')", want: "24h0m0s"},
		{expr: "time_now_utc()", want: "2021-01-03T15:04:05Z"},
		{expr: "time_now()", want: "2021-01-03T15:04:05Z"},
		{expr: "image_normalize('nginx')", want: "docker.io/nginx:latest"},
		{expr: "image_normalize('ghcr.io/kyverno/kyverno:v1.12')", want: "ghcr.io/kyverno/kyverno:v1.12"},
		{expr: "image_normalize('++')", wantErr: "bad image"},
		{expr: "x509_decode('nope')", wantErr: "invalid certificate"},
		{expr: "sha256('hello')", want: "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"},
		{expr: "sha1('hello')", want: "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"},
		{expr: "md5('hello')", want: "5d41402abc4b2a76b9719d911017c592"},
		{expr: "is_external_url('https://8.8.8.8/x')", want: true},
		{expr: "is_external_url('http://10.0.0.1:8080/')", want: false},
		{expr: "is_external_url('http://127.0.0.1')", want: false},
		{expr: "is_external_url('https://example.com')", wantErr: "does not resolve names"},
		// Built-ins keep working next to the custom functions.
		{expr: "length(list)", want: 2.0},
		{expr: "join(',', list)", want: "a,b"},
	}
	ctx := NewContext()
	ctx.SetClock(func() time.Time { return time.Date(2021, 1, 3, 15, 4, 5, 0, time.UTC) })
	for k, v := range data {
		ctx.Set(k, v)
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			e, err := ParseExpr(tt.expr)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.Evaluate(ctx)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want one containing %q (result %v)", err, tt.wantErr, got)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(norm(got), norm(tt.want)) {
				t.Errorf("got %#v, want %#v", got, tt.want)
			}
		})
	}
}

// norm compares through JSON so typed slices and maps compare by content.
func norm(v interface{}) string {
	b, _ := json.Marshal(v)
	return string(b)
}

func TestRandomIsDeterministic(t *testing.T) {
	e, _ := ParseExpr("random('[a-z0-9]{6}')")
	ctx := NewContext()
	a, err := e.Evaluate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := e.Evaluate(ctx)
	if a != b || len(a.(string)) != 6 {
		t.Fatalf("random gave %v then %v", a, b)
	}
	for _, r := range a.(string) {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') {
			t.Fatalf("random %q does not match its pattern", a)
		}
	}
	ctx.SetSeed(42)
	c, _ := e.Evaluate(ctx)
	if c == a {
		t.Logf("seed 42 happened to give the same string %v", c)
	}
}

func TestX509Decode(t *testing.T) {
	// A throwaway self-signed certificate (CN=preadmit-test, RSA 1024).
	e, _ := ParseExpr("x509_decode(cert).Subject.CommonName")
	ctx := NewContext()
	ctx.Set("cert", testCert)
	got, err := e.Evaluate(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got != "preadmit-test" {
		t.Fatalf("CommonName = %v", got)
	}
	e, _ = ParseExpr("x509_decode(cert).PublicKey.E")
	if got, _ := e.Evaluate(ctx); got != 65537.0 {
		t.Fatalf("PublicKey.E = %v", got)
	}
}

// TestUnknownFunction: a call to a function neither JMESPath nor Kyverno
// defines fails when the expression is parsed, wherever in it the call is.
func TestUnknownFunction(t *testing.T) {
	tests := []struct {
		expr string
		want string // the unknown name; empty when the expression parses
	}{
		{expr: "no_such_fn(name)", want: "no_such_fn"},
		{expr: "spec.containers[?starts_with(image, 'x') && bogus(name)].name", want: "bogus"},
		{expr: "length(to_upper(toUpper(name)))", want: "toUpper"},
		{expr: "sort_by(items, &to_lower(nope(name)))", want: "nope"},
		{expr: "length(to_upper(name))"},
		{expr: "sha256(name)"},
		{expr: "is_external_url(url)"},
		{expr: "no_such_fn"}, // a field, not a call
	}
	for _, tt := range tests {
		t.Run(tt.expr, func(t *testing.T) {
			_, err := ParseExpr(tt.expr)
			var unknown *UnknownFunctionError
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("ParseExpr: %v", err)
			case tt.want == "":
			case !errors.As(err, &unknown):
				t.Fatalf("error = %v, want an UnknownFunctionError", err)
			case unknown.Name != tt.want:
				t.Errorf("unknown function %q, want %q", unknown.Name, tt.want)
			case !strings.Contains(err.Error(), tt.expr):
				t.Errorf("error %q does not name the expression", err)
			}
		})
	}
}

// TestFromResourceNilMaps: a resource's null annotations, labels,
// matchLabels, nodeSelector, data and stringData read as empty maps, as
// the Kyverno CLI normalises them; other nulls, and policy values read
// with FromRNode, stay null.
func TestFromResourceNilMaps(t *testing.T) {
	src := "metadata:\n  annotations:\n  labels: ~\nspec:\n  selector:\n    matchLabels: null\n  template:\n    spec:\n      nodeSelector:\n      affinity:\n      containers:\n      - name: a\n        env:\ndata:\nstringData:\n"
	n := yaml.MustParse(src)
	got, err := FromResource(n)
	if err != nil {
		t.Fatal(err)
	}
	empty := map[string]interface{}{}
	want := map[string]interface{}{
		"metadata": map[string]interface{}{"annotations": empty, "labels": empty},
		"spec": map[string]interface{}{
			"selector": map[string]interface{}{"matchLabels": empty},
			"template": map[string]interface{}{"spec": map[string]interface{}{
				"nodeSelector": empty, "affinity": nil,
				"containers": []interface{}{map[string]interface{}{"name": "a", "env": nil}},
			}},
		},
		"data": empty, "stringData": empty,
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("FromResource =\n%#v\nwant\n%#v", got, want)
	}
	plain, err := FromRNode(n)
	if err != nil {
		t.Fatal(err)
	}
	if a := plain.(map[string]interface{})["metadata"].(map[string]interface{})["annotations"]; a != nil {
		t.Errorf("FromRNode annotations = %#v, want nil", a)
	}
}
