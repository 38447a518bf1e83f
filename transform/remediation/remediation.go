package remediation

import (
	"regexp"
	"strconv"
	"strings"
	"sync"

	"sigs.k8s.io/kustomize/kyaml/yaml"

	"github.com/preadmit/preadmit/transform/variables"
	"github.com/preadmit/preadmit/transform/yamlnode"
)

// PinVersion stands for the tag a person must choose: preadmit cannot know
// which version of an image a workload was tested with.
const PinVersion = "<pin a version>"

// containerLists are the pod spec fields that hold containers.
var containerLists = []string{"containers", "initContainers", "ephemeralContainers"}

// containerAt reads "containers[0]" (or initContainers, ephemeralContainers)
// at the start of the rest of a field path.
var containerAt = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^(containers|initContainers|ephemeralContainers)\[(\d+)\]`)
})

// Snippet is a policy's remediation snippet, parsed once per process: a
// rule fits it to every resource that fails.
type Snippet struct {
	text string
	// root is the parsed snippet, or nil when it is not a YAML mapping
	// (then it is shown as written).
	root *yaml.Node
	// fitted memoizes Fit by what the fitted text depends on (the pod
	// template's path, the container list, the container's name and
	// image): the same workload shapes fail over and over in a stream.
	fitted *sync.Map
}

// Parse reads a remediation snippet.
func Parse(text string) Snippet {
	s := Snippet{text: text, fitted: &sync.Map{}}
	if root, err := yaml.Parse(text); err == nil && root.YNode().Kind == yaml.MappingNode {
		s.root = root.YNode()
	}
	return s
}

// Fit returns the snippet fitted to resource, a kind whose validation
// failed at path (a dotted field path as in report.Result.Path). The
// snippet is moved under the kind's pod template when the failure is in the
// template (a Pod's snippet is already in place); its first container
// becomes the failing one: its list, its name, and an image derived from
// the one it runs. Anything else (another kind, a failure outside the
// template, a snippet that is not a mapping) gives the snippet as written.
func (s Snippet) Fit(resource *yaml.RNode, kind, path string) string {
	podSpec, ok := variables.PodSpecPath(kind)
	if !ok || resource == nil || s.root == nil {
		return s.text
	}
	template := podSpec[:len(podSpec)-1] // nil for a Pod
	prefix := strings.Join(template, ".")
	if prefix != "" {
		if !strings.HasPrefix(path, prefix+".") {
			return s.text // the resource's own metadata, say
		}
		prefix += "."
	}
	var list string
	var c *yaml.Node
	if m := containerAt().FindStringSubmatch(strings.TrimPrefix(path, prefix+"spec.")); m != nil {
		list = m[1]
		i, _ := strconv.Atoi(m[2])
		l := yamlnode.Path(resource.YNode(), append(podSpec, list)...)
		if l != nil && l.Kind == yaml.SequenceNode && i < len(l.Content) {
			c = yamlnode.Deref(l.Content[i])
		}
	}
	key := strings.Join([]string{prefix, list, yamlnode.Scalar(yamlnode.Field(c, "name")), yamlnode.Scalar(yamlnode.Field(c, "image"))}, "\x00")
	if c == nil {
		key += "\x00-"
	}
	if text, ok := s.fitted.Load(key); ok {
		return text.(string)
	}
	// The parsed snippet is shared by every result of the rule: fit a copy.
	root := yaml.NewRNode(s.root).Copy()
	if list != "" {
		fitContainer(root.YNode(), list, c)
	}
	out := root.YNode()
	for i := len(template) - 1; i >= 0; i-- {
		out = &yaml.Node{Kind: yaml.MappingNode, Content: []*yaml.Node{
			{Kind: yaml.ScalarNode, Value: template[i]}, out}}
	}
	text, err := yaml.NewRNode(out).String()
	if err != nil {
		text = s.text
	}
	s.fitted.Store(key, text)
	return text
}

// FitTemplate returns the snippet fitted to resource, a kind whose pod
// template failed where no field path says which field (a CEL expression
// of a rule autogen derived for pod controllers): moved under the kind's
// pod template, its containers as written. Other kinds, and a snippet
// that is not a mapping, give the snippet as written.
func (s Snippet) FitTemplate(resource *yaml.RNode, kind string) string {
	podSpec, ok := variables.PodSpecPath(kind)
	if !ok {
		return s.text
	}
	// The pod spec itself: in the template, at no container.
	return s.Fit(resource, kind, strings.Join(podSpec, "."))
}

// fitContainer makes the snippet's first container the failing one: in
// list, named as c, with an image derived from c's.
func fitContainer(pod *yaml.Node, list string, c *yaml.Node) {
	spec := yamlnode.Field(pod, "spec")
	if spec == nil || spec.Kind != yaml.MappingNode {
		return
	}
	var key, seq *yaml.Node
	for i := 0; i+1 < len(spec.Content); i += 2 {
		for _, l := range containerLists {
			if spec.Content[i].Value == l && spec.Content[i+1].Kind == yaml.SequenceNode && len(spec.Content[i+1].Content) > 0 {
				key, seq = spec.Content[i], spec.Content[i+1]
			}
		}
		if key != nil {
			break
		}
	}
	if key == nil {
		return
	}
	key.Value = list
	seq.Content = seq.Content[:1]
	tmpl := seq.Content[0]
	if c == nil || tmpl.Kind != yaml.MappingNode {
		return
	}
	if name := yamlnode.Scalar(yamlnode.Field(c, "name")); name != "" {
		if n := yamlnode.Field(tmpl, "name"); n != nil && n.Kind == yaml.ScalarNode {
			n.Value = name
		}
	}
	image := yamlnode.Scalar(yamlnode.Field(c, "image"))
	n := yamlnode.Field(tmpl, "image")
	if image == "" || n == nil || n.Kind != yaml.ScalarNode {
		return
	}
	suggested, from, to := Image(n.Value, image)
	if suggested == "" {
		return
	}
	n.Value, n.Style = suggested, 0
	if from != to {
		// "# image: nginx@sha256:<digest>" names the snippet's repository.
		replaceInComments(tmpl, from+"@", to+"@")
	}
}

// Image suggests an image for a container that runs image, from the
// snippet's example: image's repository, moved to the example's registry
// when the example names one that image is not in (a policy that asks
// for another registry); image's tag when it is pinned (not "latest"),
// else its digest, else PinVersion. It also returns the example's
// repository and the suggestion's, to rewrite comments with; "" when
// either reference does not parse.
func Image(example, image string) (suggested, exampleRepo, repo string) {
	ex, err := variables.ParseImage(example)
	if err != nil {
		return "", "", ""
	}
	in, err := variables.ParseImage(image)
	if err != nil {
		return "", "", ""
	}
	exampleRepo = written(example, ex)
	repo = written(image, in)
	if exReg := registryOf(example, ex); exReg != "" && exReg != registryOf(image, in) {
		repo = exReg + "/" + in.Path
	}
	switch {
	case in.Digest != "":
		return repo + "@" + in.Digest, exampleRepo, repo
	case in.Tag != "latest" && hasTag(image):
		return repo + ":" + in.Tag, exampleRepo, repo
	}
	return repo + ":" + PinVersion, exampleRepo, repo
}

// registryOf is the registry the reference names itself, or "" when
// ParseImage supplied the default one.
func registryOf(ref string, info variables.ImageInfo) string {
	if info.Registry != "" && strings.HasPrefix(ref, info.Registry+"/") {
		return info.Registry
	}
	return ""
}

// written is the repository as the reference spells it: no default
// registry added.
func written(ref string, info variables.ImageInfo) string {
	if r := registryOf(ref, info); r != "" {
		return r + "/" + info.Path
	}
	return info.Path
}

// hasTag reports whether the reference spells a tag (ParseImage supplies
// "latest" when it does not).
func hasTag(ref string) bool {
	ref, _, _ = strings.Cut(ref, "@")
	return strings.LastIndexByte(ref, ':') > strings.LastIndexByte(ref, '/')
}

func replaceInComments(n *yaml.Node, from, to string) {
	n.HeadComment = strings.ReplaceAll(n.HeadComment, from, to)
	n.LineComment = strings.ReplaceAll(n.LineComment, from, to)
	n.FootComment = strings.ReplaceAll(n.FootComment, from, to)
	for _, c := range n.Content {
		replaceInComments(c, from, to)
	}
}
