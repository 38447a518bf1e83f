package values

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/stream"
	"github.com/preadmit/preadmit/transform/variables"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// Context is what context files give in place of the cluster and of a
// registry, as kyverno apply --context-file and a kyverno test's context
// file give them.
type Context struct {
	// ConfigMaps are the ConfigMaps, by "namespace/name", each as a
	// JSON-like object (transform.Options.ConfigMaps): what configMap
	// context entries and CEL's resource library read.
	ConfigMaps map[string]interface{}
	// Objects are the other objects, in file order, with their namespace
	// as written (transform.Options.ClusterObjects): what CEL's resource
	// library gets and lists.
	Objects []*yaml.RNode
	// Images are a Kyverno CLI Context's spec.images, by image as
	// written, with the fields of the Kyverno CLI's ImageData
	// (transform.Options.ImageData): what image.GetMetadata reads.
	Images map[string]map[string]any
}

// Read adds a context file's contents to c: ConfigMap and other object
// documents, Lists of them, or Kyverno CLI Contexts
// (cli.kyverno.io/v1alpha1) with spec.resources and spec.images. A
// ConfigMap without a namespace gets defaultNS. A file that gives nothing,
// or an object without apiVersion, is an error.
func (c *Context) Read(data []byte, file, defaultNS string) error {
	if strings.TrimSpace(string(data)) == "" {
		return &FileError{File: file, Err: errNothing}
	}
	docs, err := stream.Read(data, stream.DefaultLimits)
	if err != nil {
		return &FileError{File: file, Err: err}
	}
	found := false
	var add func(n *yaml.Node, field string) error
	add = func(n *yaml.Node, field string) error {
		n = yamlnode.Deref(n)
		kind := yamlnode.Scalar(yamlnode.Field(n, "kind"))
		if n == nil || n.Kind != yaml.MappingNode || kind == "" {
			return nil
		}
		found = true
		var items []*yaml.Node
		path := "items"
		switch {
		case kind == "ConfigMap":
			return c.addConfigMap(yaml.NewRNode(n), file, field, defaultNS)
		case kind == "Context":
			if err := c.readImages(n, file, field); err != nil {
				return err
			}
			items, path = yamlnode.Items(yamlnode.Path(n, "spec", "resources")), "spec.resources"
		case strings.HasSuffix(kind, "List") && yamlnode.Items(yamlnode.Field(n, "items")) != nil:
			items = yamlnode.Items(yamlnode.Field(n, "items"))
		case strings.HasPrefix(yamlnode.Scalar(yamlnode.Field(n, "apiVersion")), "cli.kyverno.io/"):
			return &FileError{File: file, Field: field, Err: fmt.Errorf("a Kyverno CLI %s is not a context file (expected a Context, or objects standing in for the cluster)", kind)}
		default:
			if yamlnode.Scalar(yamlnode.Field(n, "apiVersion")) == "" {
				return &FileError{File: file, Field: field, Err: fmt.Errorf("%s without apiVersion: an object standing in for the cluster needs apiVersion and kind", kind)}
			}
			c.Objects = append(c.Objects, yaml.NewRNode(n))
			return nil
		}
		for i, it := range items {
			if err := add(it, fmt.Sprintf("%s%s%s[%d]", field, sep(field), path, i)); err != nil {
				return err
			}
		}
		return nil
	}
	for i, d := range docs {
		if d.Node == nil {
			continue
		}
		if err := add(d.Node.YNode(), fmt.Sprintf("document %d", i)); err != nil {
			return err
		}
	}
	if !found {
		return &FileError{File: file, Err: errNothing}
	}
	return nil
}

var errNothing = errors.New("nothing found (expected ConfigMaps or other objects, Lists of them, or a cli.kyverno.io/v1alpha1 Context with spec.resources or spec.images)")

// sep joins a field path to the document it is in ("document 0:
// spec.resources[1]") or to its parent field ("...[1].items[0]").
func sep(field string) string {
	if strings.Contains(field, ": ") {
		return "."
	}
	return ": "
}

// addConfigMap adds a ConfigMap to c.ConfigMaps, in defaultNS when it
// names no namespace.
func (c *Context) addConfigMap(n *yaml.RNode, file, field, defaultNS string) error {
	v, err := variables.FromRNode(n)
	if err != nil {
		return &FileError{File: file, Field: field, Err: err}
	}
	ns := n.GetNamespace()
	if ns == "" {
		ns = defaultNS
	}
	if c.ConfigMaps == nil {
		c.ConfigMaps = map[string]interface{}{}
	}
	c.ConfigMaps[ns+"/"+n.GetName()] = v
	return nil
}

// contextImage is a Context's image data, with the fields and omissions of
// the Kyverno CLI's ImageData, so that image.GetMetadata reads the same
// object in both.
type contextImage struct {
	Image         string          `json:"image"`
	ResolvedImage string          `json:"resolvedImage"`
	Registry      string          `json:"registry"`
	Repository    string          `json:"repository"`
	Tag           string          `json:"tag,omitempty"`
	Digest        string          `json:"digest,omitempty"`
	ImageIndex    json.RawMessage `json:"imageIndex,omitempty"`
	Manifest      json.RawMessage `json:"manifest,omitempty"`
	Config        json.RawMessage `json:"config,omitempty"`
}

// readImages adds a Context's spec.images to c.Images.
func (c *Context) readImages(n *yaml.Node, file, field string) error {
	for i, it := range yamlnode.Items(yamlnode.Path(n, "spec", "images")) {
		where := fmt.Sprintf("%s%sspec.images[%d]", field, sep(field), i)
		b, err := yaml.NewRNode(it).MarshalJSON()
		if err != nil {
			return &FileError{File: file, Field: where, Err: err}
		}
		var img contextImage
		if err := json.Unmarshal(b, &img); err != nil {
			return &FileError{File: file, Field: where, Err: err}
		}
		if b, err = json.Marshal(img); err != nil {
			return &FileError{File: file, Field: where, Err: err}
		}
		var m map[string]any
		if err := json.Unmarshal(b, &m); err != nil {
			return &FileError{File: file, Field: where, Err: err}
		}
		if c.Images == nil {
			c.Images = map[string]map[string]any{}
		}
		c.Images[img.Image] = m
	}
	return nil
}
