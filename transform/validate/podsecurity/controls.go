package podsecurity

import "k8s.io/pod-security-admission/policy"

// controlScope says where a control's fields live, which decides whether an
// exclusion of it must or must not name images (Kyverno's
// PodSecurityStandard.Validate).
type controlScope int

const (
	scopeMixed     controlScope = iota // pod-level and container-level fields
	scopeContainer                     // container fields only: images required
	scopePod                           // pod fields only: images forbidden
)

// control is one Pod Security Standards control as Kyverno names it in
// exclude[].controlName, with the upstream check IDs behind it.
type control struct {
	name  string
	ids   []policy.CheckID
	scope controlScope
	// restrictedOnly controls may not be excluded in a baseline rule.
	restrictedOnly bool
}

// controls follows Kyverno's pkg/pss/utils mapping (PSS_control_name_to_ids).
// procMount_restricted is the restricted copy of the /proc Mount Type check
// that the library added in v1.35.
var controls = []control{
	{name: "HostProcess", ids: ids("windowsHostProcess")},
	{name: "Host Namespaces", ids: ids("hostNamespaces"), scope: scopePod},
	{name: "Privileged Containers", ids: ids("privileged"), scope: scopeContainer},
	{name: "Capabilities", ids: ids("capabilities_baseline", "capabilities_restricted"), scope: scopeContainer},
	{name: "HostPath Volumes", ids: ids("hostPathVolumes"), scope: scopePod},
	{name: "Host Ports", ids: ids("hostPorts"), scope: scopeContainer},
	{name: "Host Probes / Lifecycle Hooks", ids: ids("hostProbesAndHostLifecycle"), scope: scopeContainer},
	{name: "AppArmor", ids: ids("appArmorProfile")},
	{name: "SELinux", ids: ids("seLinuxOptions")},
	{name: "/proc Mount Type", ids: ids("procMount", "procMount_restricted"), scope: scopeContainer},
	{name: "Seccomp", ids: ids("seccompProfile_baseline", "seccompProfile_restricted")},
	{name: "Sysctls", ids: ids("sysctls"), scope: scopePod},
	{name: "Volume Types", ids: ids("restrictedVolumes"), scope: scopePod, restrictedOnly: true},
	{name: "Privilege Escalation", ids: ids("allowPrivilegeEscalation"), scope: scopeContainer, restrictedOnly: true},
	{name: "Running as Non-root", ids: ids("runAsNonRoot"), restrictedOnly: true},
	{name: "Running as Non-root user", ids: ids("runAsUser"), restrictedOnly: true},
}

func ids(s ...string) []policy.CheckID {
	out := make([]policy.CheckID, len(s))
	for i, id := range s {
		out[i] = policy.CheckID(id)
	}
	return out
}

func controlByName(name string) (control, bool) {
	for _, c := range controls {
		if c.name == name {
			return c, true
		}
	}
	return control{}, false
}

// controlName returns the control a check ID belongs to, or the ID itself for
// a check this table does not know yet.
func controlName(id policy.CheckID) string {
	for _, c := range controls {
		for _, cid := range c.ids {
			if cid == id {
				return c.name
			}
		}
	}
	return string(id)
}

// fixes holds a one-line remediation per check ID.
var fixes = map[policy.CheckID]string{
	"privileged":                 "remove securityContext.privileged or set it to false",
	"hostPorts":                  "remove hostPort from the container ports (or set it to 0)",
	"procMount":                  "remove securityContext.procMount or set it to Default",
	"procMount_restricted":       "remove securityContext.procMount or set it to Default",
	"capabilities_baseline":      "add only default capabilities (such as NET_BIND_SERVICE) in securityContext.capabilities.add",
	"capabilities_restricted":    `set securityContext.capabilities.drop: ["ALL"] and add nothing but NET_BIND_SERVICE`,
	"hostNamespaces":             "remove hostNetwork, hostPID and hostIPC or set them to false",
	"hostPathVolumes":            "replace hostPath volumes with emptyDir, configMap, secret or persistentVolumeClaim volumes",
	"restrictedVolumes":          "use only configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected or secret volumes",
	"hostProbesAndHostLifecycle": "remove host from httpGet and tcpSocket probes and lifecycle handlers",
	"windowsHostProcess":         "remove securityContext.windowsOptions.hostProcess or set it to false",
	"seLinuxOptions":             "remove seLinuxOptions.user and .role and leave .type unset or container_t, container_init_t, container_kvm_t or container_engine_t",
	"seccompProfile_baseline":    "leave securityContext.seccompProfile.type unset or set it to RuntimeDefault or Localhost",
	"seccompProfile_restricted":  "set securityContext.seccompProfile.type: RuntimeDefault (or Localhost) on the pod or on every container",
	"appArmorProfile":            "leave securityContext.appArmorProfile.type unset or set it to RuntimeDefault or Localhost",
	"allowPrivilegeEscalation":   "set securityContext.allowPrivilegeEscalation: false on every container",
	"runAsNonRoot":               "set securityContext.runAsNonRoot: true on the pod (or on every container) and do not set it to false",
	"runAsUser":                  "do not set runAsUser: 0; run as a non-zero UID",
	"sysctls":                    "set only safe sysctls such as net.ipv4.ip_local_port_range or net.ipv4.ip_unprivileged_port_start",
}
