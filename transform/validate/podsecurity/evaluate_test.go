package podsecurity

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"k8s.io/pod-security-admission/api"
)

// baselinePod builds a template whose one container has the given
// securityContext (YAML under "securityContext:", may be empty) and extra
// container or pod fields.
func baselinePod(containerSC, containerExtra, podExtra string) string {
	var b strings.Builder
	b.WriteString("spec:\n")
	if podExtra != "" {
		b.WriteString(indent(podExtra, 2))
	}
	b.WriteString("  containers:\n  - name: app\n    image: nginx:1.27\n")
	if containerExtra != "" {
		b.WriteString(indent(containerExtra, 4))
	}
	if containerSC != "" {
		b.WriteString("    securityContext:\n" + indent(containerSC, 6))
	}
	return b.String()
}

const restrictedSC = "allowPrivilegeEscalation: false\ncapabilities:\n  drop: [ALL]\n"
const restrictedPodSC = "securityContext:\n  runAsNonRoot: true\n  seccompProfile:\n    type: RuntimeDefault\n"

// restrictedPod is a template that passes the restricted profile, plus the
// given container securityContext lines and pod fields.
func restrictedPod(containerSC, containerExtra, podExtra string) string {
	return baselinePod(restrictedSC+containerSC, containerExtra, podExtra)
}

type controlCase struct {
	name   string
	level  api.Level
	tmpl   string
	checks []string // failing check IDs, in order
	paths  []string // offending fields relative to the template
}

var controlCases = []controlCase{
	// Baseline controls.
	{name: "privileged fails", level: api.LevelBaseline,
		tmpl:   baselinePod("privileged: true\n", "", ""),
		checks: []string{"privileged"}, paths: []string{"spec.containers[0].securityContext.privileged"}},
	{name: "privileged false passes", level: api.LevelBaseline,
		tmpl: baselinePod("privileged: false\n", "", "")},
	{name: "privileged init container fails", level: api.LevelBaseline,
		tmpl:   baselinePod("", "", "initContainers:\n- name: init\n  image: busybox\n  securityContext:\n    privileged: true\n"),
		checks: []string{"privileged"}, paths: []string{"spec.initContainers[0].securityContext.privileged"}},
	{name: "host port fails", level: api.LevelBaseline,
		tmpl:   baselinePod("", "ports:\n- containerPort: 80\n- containerPort: 443\n  hostPort: 8443\n", ""),
		checks: []string{"hostPorts"}, paths: []string{"spec.containers[0].ports[1].hostPort"}},
	{name: "container port passes", level: api.LevelBaseline,
		tmpl: baselinePod("", "ports:\n- containerPort: 80\n", "")},
	{name: "proc mount unmasked fails", level: api.LevelBaseline,
		tmpl:   baselinePod("procMount: Unmasked\n", "", ""),
		checks: []string{"procMount"}, paths: []string{"spec.containers[0].securityContext.procMount"}},
	{name: "proc mount default passes", level: api.LevelBaseline,
		tmpl: baselinePod("procMount: Default\n", "", "")},
	{name: "non-default capability fails", level: api.LevelBaseline,
		tmpl:   baselinePod("capabilities:\n  add: [CHOWN, NET_ADMIN]\n", "", ""),
		checks: []string{"capabilities_baseline"}, paths: []string{"spec.containers[0].securityContext.capabilities.add"}},
	{name: "default capability passes", level: api.LevelBaseline,
		tmpl: baselinePod("capabilities:\n  add: [CHOWN, NET_BIND_SERVICE]\n", "", "")},
	{name: "host namespaces fail", level: api.LevelBaseline,
		tmpl:   baselinePod("", "", "hostNetwork: true\nhostPID: true\nhostIPC: false\n"),
		checks: []string{"hostNamespaces"}, paths: []string{"spec.hostNetwork", "spec.hostPID"}},
	{name: "host namespaces false pass", level: api.LevelBaseline,
		tmpl: baselinePod("", "", "hostNetwork: false\nhostPID: false\nhostIPC: false\n")},
	{name: "hostPath volume fails", level: api.LevelBaseline,
		tmpl:   baselinePod("", "", "volumes:\n- name: cache\n  emptyDir: {}\n- name: logs\n  hostPath:\n    path: /var/log\n"),
		checks: []string{"hostPathVolumes"}, paths: []string{"spec.volumes[1].hostPath"}},
	{name: "emptyDir volume passes", level: api.LevelBaseline,
		tmpl: baselinePod("", "", "volumes:\n- name: cache\n  emptyDir: {}\n")},
	{name: "probe host fails", level: api.LevelBaseline,
		tmpl:   baselinePod("", "livenessProbe:\n  httpGet:\n    host: 10.0.0.1\n    port: 80\nlifecycle:\n  preStop:\n    tcpSocket:\n      host: example.com\n      port: 80\n", ""),
		checks: []string{"hostProbesAndHostLifecycle"}, paths: []string{"spec.containers[0].livenessProbe.httpGet.host", "spec.containers[0].lifecycle.preStop.tcpSocket.host"}},
	{name: "probe without host passes", level: api.LevelBaseline,
		tmpl: baselinePod("", "livenessProbe:\n  httpGet:\n    port: 80\n", "")},
	{name: "hostProcess fails", level: api.LevelBaseline,
		tmpl:   baselinePod("windowsOptions:\n  hostProcess: true\n", "", "securityContext:\n  windowsOptions:\n    hostProcess: true\n"),
		checks: []string{"windowsHostProcess"}, paths: []string{"spec.securityContext.windowsOptions.hostProcess", "spec.containers[0].securityContext.windowsOptions.hostProcess"}},
	{name: "hostProcess false passes", level: api.LevelBaseline,
		tmpl: baselinePod("windowsOptions:\n  hostProcess: false\n", "", "")},
	{name: "SELinux type and user fail", level: api.LevelBaseline,
		tmpl:   baselinePod("seLinuxOptions:\n  type: spc_t\n  user: system_u\n", "", "securityContext:\n  seLinuxOptions:\n    role: sysadm_r\n"),
		checks: []string{"seLinuxOptions"}, paths: []string{"spec.securityContext.seLinuxOptions.role", "spec.containers[0].securityContext.seLinuxOptions.type", "spec.containers[0].securityContext.seLinuxOptions.user"}},
	{name: "SELinux container type passes", level: api.LevelBaseline,
		tmpl: baselinePod("seLinuxOptions:\n  type: container_engine_t\n  level: s0:c123,c456\n", "", "")},
	{name: "seccomp unconfined fails", level: api.LevelBaseline,
		tmpl:   baselinePod("seccompProfile:\n  type: Unconfined\n", "", ""),
		checks: []string{"seccompProfile_baseline"}, paths: []string{"spec.containers[0].securityContext.seccompProfile.type"}},
	{name: "seccomp runtime default passes", level: api.LevelBaseline,
		tmpl: baselinePod("seccompProfile:\n  type: RuntimeDefault\n", "", "")},
	{name: "AppArmor unconfined fails", level: api.LevelBaseline,
		tmpl:   "metadata:\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/app: unconfined\n" + baselinePod("appArmorProfile:\n  type: Unconfined\n", "", ""),
		checks: []string{"appArmorProfile"}, paths: []string{"spec.containers[0].securityContext.appArmorProfile.type", "metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]"}},
	{name: "AppArmor runtime default passes", level: api.LevelBaseline,
		tmpl: "metadata:\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/app: runtime/default\n" + baselinePod("appArmorProfile:\n  type: RuntimeDefault\n", "", "")},
	{name: "unsafe sysctl fails", level: api.LevelBaseline,
		tmpl:   baselinePod("", "", "securityContext:\n  sysctls:\n  - name: net.ipv4.ip_local_port_range\n    value: 1024 65535\n  - name: kernel.msgmax\n    value: '65536'\n"),
		checks: []string{"sysctls"}, paths: []string{"spec.securityContext.sysctls[1].name"}},
	{name: "safe sysctl passes", level: api.LevelBaseline,
		tmpl: baselinePod("", "", "securityContext:\n  sysctls:\n  - name: net.ipv4.tcp_keepalive_time\n    value: '600'\n")},
	{name: "restricted-only settings pass baseline", level: api.LevelBaseline,
		tmpl: baselinePod("runAsUser: 0\nallowPrivilegeEscalation: true\n", "", "volumes:\n- name: data\n  nfs:\n    server: nfs\n    path: /\n")},

	// Restricted controls, each from a pod that otherwise passes.
	{name: "restricted base passes", level: api.LevelRestricted, tmpl: restrictedPod("", "", restrictedPodSC)},
	{name: "privilege escalation unset fails", level: api.LevelRestricted,
		tmpl:   baselinePod("capabilities:\n  drop: [ALL]\n", "", restrictedPodSC),
		checks: []string{"allowPrivilegeEscalation"}, paths: []string{"spec.containers[0].securityContext.allowPrivilegeEscalation"}},
	{name: "privilege escalation true fails", level: api.LevelRestricted,
		tmpl:   baselinePod("allowPrivilegeEscalation: true\ncapabilities:\n  drop: [ALL]\n", "", restrictedPodSC),
		checks: []string{"allowPrivilegeEscalation"}, paths: []string{"spec.containers[0].securityContext.allowPrivilegeEscalation"}},
	{name: "capabilities not dropped fails", level: api.LevelRestricted,
		tmpl:   baselinePod("allowPrivilegeEscalation: false\ncapabilities:\n  add: [SYS_TIME]\n", "", restrictedPodSC),
		checks: []string{"capabilities_restricted"}, paths: []string{"spec.containers[0].securityContext.capabilities.drop", "spec.containers[0].securityContext.capabilities.add"}},
	{name: "NET_BIND_SERVICE passes", level: api.LevelRestricted,
		tmpl: baselinePod("allowPrivilegeEscalation: false\ncapabilities:\n  drop: [ALL]\n  add: [NET_BIND_SERVICE]\n", "", restrictedPodSC)},
	{name: "nfs volume fails", level: api.LevelRestricted,
		tmpl:   restrictedPod("", "", restrictedPodSC+"volumes:\n- name: data\n  nfs:\n    server: nfs\n    path: /\n"),
		checks: []string{"restrictedVolumes"}, paths: []string{"spec.volumes[0].nfs"}},
	{name: "hostPath volume fails as volume type", level: api.LevelRestricted,
		tmpl:   restrictedPod("", "", restrictedPodSC+"volumes:\n- name: logs\n  hostPath:\n    path: /var/log\n"),
		checks: []string{"restrictedVolumes"}, paths: []string{"spec.volumes[0].hostPath"}},
	{name: "projected volume passes", level: api.LevelRestricted,
		tmpl: restrictedPod("", "", restrictedPodSC+"volumes:\n- name: token\n  projected:\n    sources: []\n")},
	{name: "runAsNonRoot false fails", level: api.LevelRestricted,
		tmpl:   restrictedPod("", "", "securityContext:\n  runAsNonRoot: false\n  seccompProfile:\n    type: RuntimeDefault\n"),
		checks: []string{"runAsNonRoot"}, paths: []string{"spec.securityContext.runAsNonRoot", "spec.containers[0].securityContext.runAsNonRoot"}},
	{name: "runAsNonRoot on container passes", level: api.LevelRestricted,
		tmpl: restrictedPod("runAsNonRoot: true\n", "", "securityContext:\n  seccompProfile:\n    type: RuntimeDefault\n")},
	{name: "runAsUser 0 fails", level: api.LevelRestricted,
		tmpl:   restrictedPod("runAsUser: 0\n", "", restrictedPodSC),
		checks: []string{"runAsUser"}, paths: []string{"spec.containers[0].securityContext.runAsUser"}},
	{name: "runAsUser 1000 passes", level: api.LevelRestricted,
		tmpl: restrictedPod("runAsUser: 1000\n", "", restrictedPodSC)},
	{name: "seccomp unset fails", level: api.LevelRestricted,
		tmpl:   restrictedPod("", "", "securityContext:\n  runAsNonRoot: true\n"),
		checks: []string{"seccompProfile_restricted"}, paths: []string{"spec.containers[0].securityContext.seccompProfile.type"}},
	{name: "seccomp on container passes", level: api.LevelRestricted,
		tmpl: restrictedPod("seccompProfile:\n  type: Localhost\n  localhostProfile: p.json\n", "", "securityContext:\n  runAsNonRoot: true\n")},
	{name: "proc mount fails the restricted copy", level: api.LevelRestricted,
		tmpl:   restrictedPod("procMount: Unmasked\n", "", restrictedPodSC+"hostUsers: false\n"),
		checks: []string{"procMount_restricted"}, paths: []string{"spec.containers[0].securityContext.procMount"}},
	{name: "baseline failures count at restricted", level: api.LevelRestricted,
		tmpl:   restrictedPod("privileged: true\n", "", restrictedPodSC+"hostIPC: true\n"),
		checks: []string{"hostNamespaces", "privileged"}, paths: []string{"spec.hostIPC", "spec.containers[0].securityContext.privileged"}},
	{name: "empty pod fails restricted", level: api.LevelRestricted,
		tmpl:   baselinePod("", "", ""),
		checks: []string{"allowPrivilegeEscalation", "capabilities_restricted", "runAsNonRoot", "seccompProfile_restricted"},
		paths: []string{"spec.containers[0].securityContext.allowPrivilegeEscalation", "spec.containers[0].securityContext.capabilities.drop",
			"spec.containers[0].securityContext.runAsNonRoot", "spec.containers[0].securityContext.seccompProfile.type"}},
	{name: "privileged level allows anything", level: api.LevelPrivileged,
		tmpl: baselinePod("privileged: true\n", "", "hostPID: true\n")},
}

func TestEvaluateControls(t *testing.T) {
	for _, tc := range controlCases {
		for _, k := range kinds {
			t.Run(tc.name+"/"+k.kind, func(t *testing.T) {
				chk := mustCompile(t, "level: "+string(tc.level)+"\nversion: latest\n")
				got, err := chk.Evaluate(mustParse(t, k.wrap(tc.tmpl)))
				if err != nil {
					t.Fatalf("Evaluate: %v", err)
				}

				lib := libraryVerdict(t, tc.tmpl, tc.level, "latest")
				if len(lib) != len(got) {
					t.Errorf("library forbids %q, Evaluate returned %d violations: %+v", lib, len(got), got)
				}
				for i := range got {
					if i < len(lib) && !strings.HasPrefix(got[i].Message, lib[i]) {
						t.Errorf("violation %d message %q, library reason %q", i, got[i].Message, lib[i])
					}
				}

				var checks, paths []string
				for _, v := range got {
					checks = append(checks, v.Check)
					paths = append(paths, v.Paths...)
					if v.Control == v.Check || v.Fix == "" {
						t.Errorf("violation %s lacks control name or fix: %+v", v.Check, v)
					}
				}
				var want []string
				for _, p := range tc.paths {
					want = append(want, k.prefix+p)
				}
				if !reflect.DeepEqual(checks, tc.checks) {
					t.Errorf("checks = %q, want %q", checks, tc.checks)
				}
				if !reflect.DeepEqual(paths, want) {
					t.Errorf("paths = %q, want %q", paths, want)
				}
			})
		}
	}
}

// TestEvaluateVersions compares against the library at pinned versions,
// where the allowed values differ from latest.
func TestEvaluateVersions(t *testing.T) {
	tests := []struct {
		name    string
		level   api.Level
		version string
		tmpl    string
		checks  []string
	}{
		{"sysctl allowed from v1.29 fails at v1.27", api.LevelBaseline, "v1.27",
			baselinePod("", "", "securityContext:\n  sysctls:\n  - name: net.ipv4.tcp_keepalive_time\n    value: '600'\n"), []string{"sysctls"}},
		{"sysctl allowed from v1.29 passes at v1.29", api.LevelBaseline, "v1.29",
			baselinePod("", "", "securityContext:\n  sysctls:\n  - name: net.ipv4.tcp_keepalive_time\n    value: '600'\n"), nil},
		{"container_engine_t fails at v1.30", api.LevelBaseline, "v1.30",
			baselinePod("seLinuxOptions:\n  type: container_engine_t\n", "", ""), []string{"seLinuxOptions"}},
		{"probe host passes before v1.34", api.LevelBaseline, "v1.33",
			baselinePod("", "livenessProbe:\n  httpGet:\n    host: 10.0.0.1\n    port: 80\n", ""), nil},
		{"seccomp annotation fails at v1.18", api.LevelBaseline, "v1.18",
			"metadata:\n  annotations:\n    seccomp.security.alpha.kubernetes.io/pod: unconfined\n" + baselinePod("", "", ""), []string{"seccompProfile_baseline"}},
		{"capabilities not required before v1.22", api.LevelRestricted, "v1.21",
			baselinePod("allowPrivilegeEscalation: false\n", "", restrictedPodSC), nil},
		{"future version clamps to latest", api.LevelBaseline, "v1.99",
			baselinePod("privileged: true\n", "", ""), []string{"privileged"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			chk := mustCompile(t, "level: "+string(tc.level)+"\nversion: "+tc.version+"\n")
			got, err := chk.Evaluate(mustParse(t, kinds[0].wrap(tc.tmpl)))
			if err != nil {
				t.Fatal(err)
			}
			var checks []string
			for _, v := range got {
				checks = append(checks, v.Check)
				if len(v.Paths) == 0 || v.Paths[0] == "spec" {
					t.Errorf("violation %s has no field path: %+v", v.Check, v)
				}
			}
			if !reflect.DeepEqual(checks, tc.checks) {
				t.Errorf("checks = %q, want %q", checks, tc.checks)
			}
			if lib := libraryVerdict(t, tc.tmpl, tc.level, tc.version); len(lib) != len(got) {
				t.Errorf("library forbids %q, got %+v", lib, got)
			}
		})
	}
}

func TestEvaluateResourceErrors(t *testing.T) {
	chk := mustCompile(t, "level: baseline\n")
	tests := []struct {
		name string
		doc  string
	}{
		{"kind without pod template", "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n"},
		{"bool field holds a string", "apiVersion: v1\nkind: Pod\nspec:\n  hostNetwork: 'yes'\n"},
		{"containers is a map", "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers: {a: b}\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := chk.Evaluate(mustParse(t, tc.doc))
			var re *ResourceError
			if !errors.As(err, &re) {
				t.Fatalf("err = %v, want *ResourceError", err)
			}
		})
	}

	got, err := chk.Evaluate(mustParse(t, "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\n"))
	if err != nil || len(got) != 0 {
		t.Errorf("Deployment without template: %v, %v; want a pass", got, err)
	}
}
