package admissionmatch_test

import (
	"errors"
	"testing"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/admissionmatch"
)

func TestParseCRD(t *testing.T) {
	tests := []struct {
		name, doc string
		want      admissionmatch.Mapping
		err       string
	}{
		{name: "namespaced", doc: `{apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, metadata: {name: octopi.zoo.example.com},
spec: {group: zoo.example.com, scope: Namespaced, names: {kind: Octopus, plural: octopi}}}`,
			want: admissionmatch.Mapping{Resource: "octopi", Namespaced: true}},
		{name: "cluster", doc: `{apiVersion: apiextensions.k8s.io/v1beta1, kind: CustomResourceDefinition, metadata: {name: zoos.zoo.example.com},
spec: {group: zoo.example.com, scope: Cluster, names: {kind: Zoo, plural: zoos}}}`,
			want: admissionmatch.Mapping{Resource: "zoos"}},
		{name: "not a CRD", doc: `{apiVersion: v1, kind: ConfigMap, metadata: {name: octopi}}`,
			err: "v1 ConfigMap octopi is not a CustomResourceDefinition (apiextensions.k8s.io)"},
		{name: "no plural", doc: `{apiVersion: apiextensions.k8s.io/v1, kind: CustomResourceDefinition, metadata: {name: x},
spec: {group: zoo.example.com, names: {kind: Octopus}}}`,
			err: "CustomResourceDefinition x: spec.names.plural is required"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := admissionmatch.ParseCRD(yaml.MustParse(tt.doc))
			var nc *admissionmatch.NotCRDError
			if tt.err != "" {
				if !errors.As(err, &nc) || err.Error() != tt.err {
					t.Fatalf("error %v, want a NotCRDError %q", err, tt.err)
				}
				return
			}
			if err != nil || c.Mapping != tt.want {
				t.Fatalf("got %+v, %v; want %+v", c.Mapping, err, tt.want)
			}
			var m admissionmatch.Mapper
			if !m.AddCRD(yaml.MustParse(tt.doc)) {
				t.Fatal("AddCRD refused it")
			}
			if got, known := m.Map(c.Group, c.Kind); !known || got != tt.want {
				t.Errorf("Map = %+v, %v", got, known)
			}
		})
	}
}
