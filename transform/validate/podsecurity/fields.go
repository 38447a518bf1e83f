package podsecurity

import (
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
)

// field is one offending field of a failed check, relative to the pod
// (so "spec.containers[0].securityContext.privileged").
type field struct {
	path string
	// wildcard is path with list indexes written [*], the form Kyverno's
	// exclude.restrictedField uses.
	wildcard string
	// container is the container the field belongs to, nil for pod-level
	// and metadata fields.
	container *containerRef
	// values are the offending values as strings, for exclude.values. A
	// required field that is missing has none.
	values []string
}

type containerRef struct {
	name, image string
}

var listIndex = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`\[\d+\]`) })

func podField(path string, values ...string) field {
	return field{path: path, wildcard: listIndex().ReplaceAllString(path, "[*]"), values: values}
}

// ctr is a container with its place in the pod spec.
type ctr struct {
	c    *corev1.Container
	path string // e.g. "spec.initContainers[1]"
}

func (c ctr) field(sub string, values ...string) field {
	f := podField(c.path+"."+sub, values...)
	f.container = &containerRef{name: c.c.Name, image: c.c.Image}
	return f
}

// containers lists the containers in the library's visiting order: init
// containers, containers, ephemeral containers.
func containers(spec *corev1.PodSpec) []ctr {
	out := make([]ctr, 0, len(spec.InitContainers)+len(spec.Containers)+len(spec.EphemeralContainers))
	for i := range spec.InitContainers {
		out = append(out, ctr{&spec.InitContainers[i], fmt.Sprintf("spec.initContainers[%d]", i)})
	}
	for i := range spec.Containers {
		out = append(out, ctr{&spec.Containers[i], fmt.Sprintf("spec.containers[%d]", i)})
	}
	for i := range spec.EphemeralContainers {
		c := (*corev1.Container)(&spec.EphemeralContainers[i].EphemeralContainerCommon)
		out = append(out, ctr{c, fmt.Sprintf("spec.ephemeralContainers[%d]", i)})
	}
	return out
}

// fieldFinder lists the fields a failed check objects to. It mirrors what
// the library's check inspects; where the allowed values depend on the
// version (sysctls, SELinux types, capabilities) it asks the selected check
// itself about a pod holding only the one value, so the answer follows the
// library exactly.
type fieldFinder func(sc selectedCheck, meta *metav1.ObjectMeta, spec *corev1.PodSpec) []field

var finders = map[string]fieldFinder{
	"privileged":                 findPrivileged,
	"hostPorts":                  findHostPorts,
	"procMount":                  findProcMount,
	"procMount_restricted":       findProcMount,
	"capabilities_baseline":      findCapabilitiesBaseline,
	"capabilities_restricted":    findCapabilitiesRestricted,
	"hostNamespaces":             findHostNamespaces,
	"hostPathVolumes":            findHostPathVolumes,
	"restrictedVolumes":          findRestrictedVolumes,
	"hostProbesAndHostLifecycle": findHostProbes,
	"windowsHostProcess":         findHostProcess,
	"seLinuxOptions":             findSELinux,
	"seccompProfile_baseline":    findSeccompBaseline,
	"seccompProfile_restricted":  findSeccompRestricted,
	"appArmorProfile":            findAppArmor,
	"allowPrivilegeEscalation":   findPrivilegeEscalation,
	"runAsNonRoot":               findRunAsNonRoot,
	"runAsUser":                  findRunAsUser,
	"sysctls":                    findSysctls,
}

func findFields(sc selectedCheck, meta *metav1.ObjectMeta, spec *corev1.PodSpec) []field {
	f, ok := finders[string(sc.id)]
	if !ok {
		return nil
	}
	return f(sc, meta, spec)
}

func isTrue(b *bool) bool { return b != nil && *b }

func findPrivileged(_ selectedCheck, _ *metav1.ObjectMeta, spec *corev1.PodSpec) []field {
	var out []field
	for _, c := range containers(spec) {
		if sc := c.c.SecurityContext; sc != nil && isTrue(sc.Privileged) {
			out = append(out, c.field("securityContext.privileged", "true"))
		}
	}
	return out
}

func findHostPorts(_ selectedCheck, _ *metav1.ObjectMeta, spec *corev1.PodSpec) []field {
	var out []field
	for _, c := range containers(spec) {
		for i, p := range c.c.Ports {
			if p.HostPort != 0 {
				out = append(out, c.field(fmt.Sprintf("ports[%d].hostPort", i), strconv.Itoa(int(p.HostPort))))
			}
		}
	}
	return out
}

func findProcMount(_ selectedCheck, _ *metav1.ObjectMeta, spec *corev1.PodSpec) []field {
	var out []field
	for _, c := range containers(spec) {
		if sc := c.c.SecurityContext; sc != nil && sc.ProcMount != nil && *sc.ProcMount != corev1.DefaultProcMount {
			out = append(out, c.field("securityContext.procMount", string(*sc.ProcMount)))
		}
	}
	return out
}

func findCapabilitiesBaseline(sc selectedCheck, meta *metav1.ObjectMeta, spec *corev1.PodSpec) []field {
	var out []field
	for _, c := range containers(spec) {
		if c.c.SecurityContext == nil || c.c.SecurityContext.Capabilities == nil {
			continue
		}
		var bad []string
		for _, capability := range c.c.SecurityContext.Capabilities.Add {
			probe := &corev1.PodSpec{Containers: []corev1.Container{{SecurityContext: &corev1.SecurityContext{
				Capabilities: &corev1.Capabilities{Add: []corev1.Capability{capability}},
			}}}}
			if !sc.run(meta, probe).Allowed {
				bad = append(bad, string(capability))
			}
		}
		if len(bad) > 0 {
			out = append(out, c.field("securityContext.capabilities.add", sortedUnique(bad)...))
		}
	}
	return out
}

func findCapabilitiesRestricted(_ selectedCheck, _ *metav1.ObjectMeta, spec *corev1.PodSpec) []field {
	var out []field
	for _, c := range containers(spec) {
		sc := c.c.SecurityContext
		if sc == nil || sc.Capabilities == nil {
			out = append(out, c.field("securityContext.capabilities.drop"))
			continue
		}
		droppedAll := false
		for _, d := range sc.Capabilities.Drop {
			if d == "ALL" {
				droppedAll = true
			}
		}
		if !droppedAll {
			out = append(out, c.field("securityContext.capabilities.drop"))
		}
		var bad []string
		for _, a := range sc.Capabilities.Add {
			if a != "NET_BIND_SERVICE" {
				bad = append(bad, string(a))
			}
		}
		if len(bad) > 0 {
			out = append(out, c.field("securityContext.capabilities.add", sortedUnique(bad)...))
		}
	}
	return out
}

func findHostNamespaces(_ selectedCheck, _ *metav1.ObjectMeta, spec *corev1.PodSpec) []field {
	var out []field
	if spec.HostNetwork {
		out = append(out, podField("spec.hostNetwork", "true"))
	}
	if spec.HostPID {
		out = append(out, podField("spec.hostPID", "true"))
	}
	if spec.HostIPC {
		out = append(out, podField("spec.hostIPC", "true"))
	}
	return out
}

func findHostPathVolumes(_ selectedCheck, _ *metav1.ObjectMeta, spec *corev1.PodSpec) []field {
	var out []field
	for i, v := range spec.Volumes {
		if v.HostPath != nil {
			out = append(out, podField(fmt.Sprintf("spec.volumes[%d].hostPath", i), v.HostPath.Path))
		}
	}
	return out
}

// allowedVolumeSources are the restricted profile's inline volume types.
var allowedVolumeSources = map[string]bool{
	"configMap": true, "csi": true, "downwardAPI": true, "emptyDir": true, "ephemeral": true,
	"image": true, "persistentVolumeClaim": true, "projected": true, "secret": true,
}

func findRestrictedVolumes(_ selectedCheck, _ *metav1.ObjectMeta, spec *corev1.PodSpec) []field {
	var out []field
	for i, v := range spec.Volumes {
		sources := volumeSources(&v.VolumeSource)
		allowed := false
		for _, s := range sources {
			allowed = allowed || allowedVolumeSources[s]
		}
		if allowed {
			continue
		}
		source := "unknown"
		if len(sources) > 0 {
			source = sources[0]
		}
		out = append(out, podField(fmt.Sprintf("spec.volumes[%d].%s", i, source)))
	}
	return out
}

// volumeSources returns the JSON names of the volume sources that are set.
func volumeSources(vs *corev1.VolumeSource) []string {
	var out []string
	rv := reflect.ValueOf(vs).Elem()
	rt := rv.Type()
	for i := 0; i < rt.NumField(); i++ {
		fv := rv.Field(i)
		if fv.Kind() != reflect.Pointer || fv.IsNil() {
			continue
		}
		name, _, _ := strings.Cut(rt.Field(i).Tag.Get("json"), ",")
		out = append(out, name)
	}
	return out
}

func findHostProbes(_ selectedCheck, _ *metav1.ObjectMeta, spec *corev1.PodSpec) []field {
	var out []field
	for _, c := range containers(spec) {
		probes := []struct {
			name  string
			probe *corev1.Probe
		}{{"livenessProbe", c.c.LivenessProbe}, {"readinessProbe", c.c.ReadinessProbe}, {"startupProbe", c.c.StartupProbe}}
		for _, p := range probes {
			if p.probe == nil {
				continue
			}
			out = append(out, handlerHosts(c, p.name, p.probe.HTTPGet, p.probe.TCPSocket)...)
		}
		if lc := c.c.Lifecycle; lc != nil {
			if lc.PostStart != nil {
				out = append(out, handlerHosts(c, "lifecycle.postStart", lc.PostStart.HTTPGet, lc.PostStart.TCPSocket)...)
			}
			if lc.PreStop != nil {
				out = append(out, handlerHosts(c, "lifecycle.preStop", lc.PreStop.HTTPGet, lc.PreStop.TCPSocket)...)
			}
		}
	}
	return out
}

func handlerHosts(c ctr, name string, http *corev1.HTTPGetAction, tcp *corev1.TCPSocketAction) []field {
	var out []field
	if http != nil && http.Host != "" {
		out = append(out, c.field(name+".httpGet.host", http.Host))
	}
	if tcp != nil && tcp.Host != "" {
		out = append(out, c.field(name+".tcpSocket.host", tcp.Host))
	}
	return out
}

func findHostProcess(_ selectedCheck, _ *metav1.ObjectMeta, spec *corev1.PodSpec) []field {
	var out []field
	if psc := spec.SecurityContext; psc != nil && psc.WindowsOptions != nil && isTrue(psc.WindowsOptions.HostProcess) {
		out = append(out, podField("spec.securityContext.windowsOptions.hostProcess", "true"))
	}
	for _, c := range containers(spec) {
		if sc := c.c.SecurityContext; sc != nil && sc.WindowsOptions != nil && isTrue(sc.WindowsOptions.HostProcess) {
			out = append(out, c.field("securityContext.windowsOptions.hostProcess", "true"))
		}
	}
	return out
}

func findSELinux(sc selectedCheck, meta *metav1.ObjectMeta, spec *corev1.PodSpec) []field {
	typeAllowed := func(t string) bool {
		probe := &corev1.PodSpec{SecurityContext: &corev1.PodSecurityContext{SELinuxOptions: &corev1.SELinuxOptions{Type: t}}}
		return sc.run(meta, probe).Allowed
	}
	check := func(opts *corev1.SELinuxOptions, mk func(sub string, values ...string) field) []field {
		var out []field
		if !typeAllowed(opts.Type) {
			out = append(out, mk("seLinuxOptions.type", opts.Type))
		}
		if opts.User != "" {
			out = append(out, mk("seLinuxOptions.user", opts.User))
		}
		if opts.Role != "" {
			out = append(out, mk("seLinuxOptions.role", opts.Role))
		}
		return out
	}
	var out []field
	if psc := spec.SecurityContext; psc != nil && psc.SELinuxOptions != nil {
		out = append(out, check(psc.SELinuxOptions, func(sub string, values ...string) field {
			return podField("spec.securityContext."+sub, values...)
		})...)
	}
	for _, c := range containers(spec) {
		if csc := c.c.SecurityContext; csc != nil && csc.SELinuxOptions != nil {
			out = append(out, check(csc.SELinuxOptions, func(sub string, values ...string) field {
				return c.field("securityContext."+sub, values...)
			})...)
		}
	}
	return out
}

func validSeccomp(t corev1.SeccompProfileType) bool {
	return t == corev1.SeccompProfileTypeRuntimeDefault || t == corev1.SeccompProfileTypeLocalhost
}

func findSeccompBaseline(sc selectedCheck, meta *metav1.ObjectMeta, spec *corev1.PodSpec) []field {
	var out []field
	if sc.minimum.Older(api.MajorMinorVersion(1, 19)) {
		// Before v1.19 the check reads the alpha seccomp annotations.
		valid := func(v string) bool {
			return v == corev1.SeccompProfileRuntimeDefault || v == corev1.DeprecatedSeccompProfileDockerDefault ||
				strings.HasPrefix(v, corev1.SeccompLocalhostProfileNamePrefix)
		}
		const podKey = "seccomp.security.alpha.kubernetes.io/pod"
		if v, ok := meta.Annotations[podKey]; ok && !valid(v) {
			out = append(out, podField(annotationPath(podKey), v))
		}
		for _, c := range containers(spec) {
			key := "container.seccomp.security.alpha.kubernetes.io/" + c.c.Name
			if v, ok := meta.Annotations[key]; ok && !valid(v) {
				f := podField(annotationPath(key), v)
				f.container = &containerRef{name: c.c.Name, image: c.c.Image}
				out = append(out, f)
			}
		}
		return out
	}
	if psc := spec.SecurityContext; psc != nil && psc.SeccompProfile != nil && !validSeccomp(psc.SeccompProfile.Type) {
		out = append(out, podField("spec.securityContext.seccompProfile.type", string(psc.SeccompProfile.Type)))
	}
	for _, c := range containers(spec) {
		if csc := c.c.SecurityContext; csc != nil && csc.SeccompProfile != nil && !validSeccomp(csc.SeccompProfile.Type) {
			out = append(out, c.field("securityContext.seccompProfile.type", string(csc.SeccompProfile.Type)))
		}
	}
	return out
}

func findSeccompRestricted(_ selectedCheck, _ *metav1.ObjectMeta, spec *corev1.PodSpec) []field {
	var out []field
	podSet := false
	if psc := spec.SecurityContext; psc != nil && psc.SeccompProfile != nil {
		if validSeccomp(psc.SeccompProfile.Type) {
			podSet = true
		} else {
			out = append(out, podField("spec.securityContext.seccompProfile.type", string(psc.SeccompProfile.Type)))
		}
	}
	for _, c := range containers(spec) {
		csc := c.c.SecurityContext
		switch {
		case csc != nil && csc.SeccompProfile != nil:
			if !validSeccomp(csc.SeccompProfile.Type) {
				out = append(out, c.field("securityContext.seccompProfile.type", string(csc.SeccompProfile.Type)))
			}
		case !podSet:
			out = append(out, c.field("securityContext.seccompProfile.type"))
		}
	}
	return out
}

func findAppArmor(_ selectedCheck, meta *metav1.ObjectMeta, spec *corev1.PodSpec) []field {
	validType := func(t corev1.AppArmorProfileType) bool {
		return t == corev1.AppArmorProfileTypeRuntimeDefault || t == corev1.AppArmorProfileTypeLocalhost
	}
	var out []field
	if psc := spec.SecurityContext; psc != nil && psc.AppArmorProfile != nil && !validType(psc.AppArmorProfile.Type) {
		out = append(out, podField("spec.securityContext.appArmorProfile.type", string(psc.AppArmorProfile.Type)))
	}
	for _, c := range containers(spec) {
		if csc := c.c.SecurityContext; csc != nil && csc.AppArmorProfile != nil && !validType(csc.AppArmorProfile.Type) {
			out = append(out, c.field("securityContext.appArmorProfile.type", string(csc.AppArmorProfile.Type)))
		}
	}
	keys := make([]string, 0, len(meta.Annotations))
	for k := range meta.Annotations {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := meta.Annotations[k]
		if !strings.HasPrefix(k, corev1.DeprecatedAppArmorBetaContainerAnnotationKeyPrefix) {
			continue
		}
		if v == "" || v == corev1.DeprecatedAppArmorBetaProfileRuntimeDefault || strings.HasPrefix(v, corev1.DeprecatedAppArmorBetaProfileNamePrefix) {
			continue
		}
		out = append(out, podField(annotationPath(k), v))
	}
	return out
}

func findPrivilegeEscalation(_ selectedCheck, _ *metav1.ObjectMeta, spec *corev1.PodSpec) []field {
	var out []field
	for _, c := range containers(spec) {
		sc := c.c.SecurityContext
		switch {
		case sc == nil || sc.AllowPrivilegeEscalation == nil:
			out = append(out, c.field("securityContext.allowPrivilegeEscalation"))
		case *sc.AllowPrivilegeEscalation:
			out = append(out, c.field("securityContext.allowPrivilegeEscalation", "true"))
		}
	}
	return out
}

func findRunAsNonRoot(_ selectedCheck, _ *metav1.ObjectMeta, spec *corev1.PodSpec) []field {
	var out []field
	podTrue := false
	if psc := spec.SecurityContext; psc != nil && psc.RunAsNonRoot != nil {
		if *psc.RunAsNonRoot {
			podTrue = true
		} else {
			out = append(out, podField("spec.securityContext.runAsNonRoot", "false"))
		}
	}
	for _, c := range containers(spec) {
		sc := c.c.SecurityContext
		switch {
		case sc != nil && sc.RunAsNonRoot != nil:
			if !*sc.RunAsNonRoot {
				out = append(out, c.field("securityContext.runAsNonRoot", "false"))
			}
		case !podTrue:
			out = append(out, c.field("securityContext.runAsNonRoot"))
		}
	}
	return out
}

func findRunAsUser(_ selectedCheck, _ *metav1.ObjectMeta, spec *corev1.PodSpec) []field {
	var out []field
	if psc := spec.SecurityContext; psc != nil && psc.RunAsUser != nil && *psc.RunAsUser == 0 {
		out = append(out, podField("spec.securityContext.runAsUser", "0"))
	}
	for _, c := range containers(spec) {
		if sc := c.c.SecurityContext; sc != nil && sc.RunAsUser != nil && *sc.RunAsUser == 0 {
			out = append(out, c.field("securityContext.runAsUser", "0"))
		}
	}
	return out
}

func findSysctls(sc selectedCheck, meta *metav1.ObjectMeta, spec *corev1.PodSpec) []field {
	var out []field
	if spec.SecurityContext == nil {
		return nil
	}
	for i, s := range spec.SecurityContext.Sysctls {
		probe := &corev1.PodSpec{SecurityContext: &corev1.PodSecurityContext{Sysctls: []corev1.Sysctl{{Name: s.Name}}}}
		if !sc.run(meta, probe).Allowed {
			out = append(out, podField(fmt.Sprintf("spec.securityContext.sysctls[%d].name", i), s.Name))
		}
	}
	return out
}

// annotationPath writes an annotation key the way field paths do.
func annotationPath(key string) string {
	return "metadata.annotations[" + key + "]"
}

func sortedUnique(s []string) []string {
	sort.Strings(s)
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
