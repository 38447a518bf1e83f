package variables

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"sigs.k8s.io/kustomize/kyaml/yaml"
)

// FuzzSubstitute feeds hostile templates and context JSON through Compile
// and Substitute: they may fail, but must not panic or hang.
func FuzzSubstitute(f *testing.F) {
	f.Add(`x: "{{ request.object.metadata.name }}"`, `{"request":{"object":{"metadata":{"name":"a"}}}}`)
	f.Add(`x: "a{{ a }}{{b}}\\{{ c }}"`, `{"a":"{{ b }}","b":[1,{"x":null}]}`)
	f.Add(`"{{ a }}": [ "{{ a.{{ b }} }}" ]`, `{"a":{"k":"v"},"b":"k"}`)
	f.Add(`x: "{{ random('(a|b)*{100}') }}"`, `{}`)
	f.Add(`x: "{{ regex_replace_all('a*', a, 'bb') }}"`, `{"a":"aaaa"}`)
	f.Add(`x: "{{ a }}"`, `{"a":"{{a}}{{a}}{{a}}{{a}}"}`)
	f.Add(`x: "{{ sum(a) }}{{ divide(a[0], a[1]) }}"`, `{"a":["1Ki","0"]}`)
	f.Fuzz(func(t *testing.T, tmpl, data string) {
		done := make(chan struct{})
		defer close(done)
		go func() {
			select {
			case <-done:
			case <-time.After(3 * time.Second):
				panic(fmt.Sprintf("hang on template %q data %q", tmpl, data))
			}
		}()
		node, err := yaml.Parse(tmpl)
		if err != nil {
			return
		}
		tpl, err := Compile(node)
		if err != nil {
			return
		}
		var v map[string]interface{}
		if json.Unmarshal([]byte(data), &v) != nil {
			return
		}
		ctx := NewContext()
		ctx.SetClock(func() time.Time { return time.Unix(0, 0) })
		for k, e := range v {
			ctx.Set(k, e)
		}
		out, err := tpl.Substitute(ctx)
		if err == nil && out != nil {
			_, _ = out.String()
		}
	})
}

// BenchmarkSubstituteForeachImagePatch is a typical foreach image rewrite:
// one patch per container, substituted once per element.
func BenchmarkSubstituteForeachImagePatch(b *testing.B) {
	patch := yaml.MustParse(`
spec:
  containers:
  - name: "{{ element.name }}"
    image: "registry.example.com/mirror/{{ images.containers.\"{{element.name}}\".path }}:{{ images.containers.\"{{element.name}}\".tag || 'latest' }}"
`)
	pod := yaml.MustParse(string(mustReadB(b, "testdata/pod.yaml")))
	tpl, err := Compile(patch)
	if err != nil {
		b.Fatal(err)
	}
	obj, _ := FromRNode(pod)
	imgs, _ := ResourceImages(pod)
	base := NewContext()
	base.Set("request.object", obj)
	base.Set("images", imgs)
	containers := obj.(map[string]interface{})["spec"].(map[string]interface{})["containers"].([]interface{})
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for j, c := range containers {
			ctx := base.Clone()
			ctx.Set("element", c)
			ctx.Set("elementIndex", float64(j))
			if _, err := tpl.Substitute(ctx); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkFromRNode(b *testing.B) {
	pod := yaml.MustParse(string(mustReadB(b, "testdata/pod.yaml")))
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := FromRNode(pod); err != nil {
			b.Fatal(err)
		}
	}
}
