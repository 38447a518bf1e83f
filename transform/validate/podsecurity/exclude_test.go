package podsecurity

import (
	"reflect"
	"testing"
)

func TestExclusions(t *testing.T) {
	twoContainers := func(nginxSC, busyboxSC string) string {
		return "spec:\n" + indent(restrictedPodSC, 2) +
			"  containers:\n  - name: web\n    image: nginx:1.27\n    securityContext:\n" + indent(nginxSC, 6) +
			"  - name: tools\n    image: busybox:1.36\n    securityContext:\n" + indent(busyboxSC, 6)
	}
	tests := []struct {
		name  string
		rule  string
		tmpl  string
		paths []string // remaining paths, relative to the template; nil means pass
	}{
		{
			name: "control and image exclude the whole container",
			rule: "level: restricted\nexclude:\n- controlName: Capabilities\n  images: ['nginx*']\n",
			tmpl: twoContainers("allowPrivilegeEscalation: false\ncapabilities:\n  add: [SYS_ADMIN]\n", restrictedSC),
		},
		{
			name:  "image exclusion leaves other containers",
			rule:  "level: restricted\nexclude:\n- controlName: Capabilities\n  images: ['nginx*']\n",
			tmpl:  twoContainers("allowPrivilegeEscalation: false\ncapabilities:\n  add: [SYS_ADMIN]\n", "allowPrivilegeEscalation: false\n"),
			paths: []string{"spec.containers[1].securityContext.capabilities.drop"},
		},
		{
			name:  "image exclusion does not cover other controls",
			rule:  "level: restricted\nexclude:\n- controlName: Capabilities\n  images: ['*']\n",
			tmpl:  twoContainers(restrictedSC+"runAsUser: 0\n", restrictedSC),
			paths: []string{"spec.containers[0].securityContext.runAsUser"},
		},
		{
			name:  "restricted field limits the exclusion to that field",
			rule:  "level: restricted\nexclude:\n- controlName: Capabilities\n  images: ['nginx:*']\n  restrictedField: spec.containers[*].securityContext.capabilities.add\n  values: [SYS_ADMIN]\n",
			tmpl:  twoContainers("allowPrivilegeEscalation: false\ncapabilities:\n  add: [SYS_ADMIN]\n", restrictedSC),
			paths: []string{"spec.containers[0].securityContext.capabilities.drop"},
		},
		{
			name: "values cover every offending value",
			rule: "level: baseline\nexclude:\n- controlName: Capabilities\n  images: ['*']\n  restrictedField: spec.containers[*].securityContext.capabilities.add\n  values: [NET_ADMIN, 'SYS_*']\n",
			tmpl: baselinePod("capabilities:\n  add: [NET_ADMIN, SYS_TIME, CHOWN]\n", "", ""),
		},
		{
			name:  "a value outside values keeps the field",
			rule:  "level: baseline\nexclude:\n- controlName: Capabilities\n  images: ['*']\n  restrictedField: spec.containers[*].securityContext.capabilities.add\n  values: [NET_ADMIN]\n",
			tmpl:  baselinePod("capabilities:\n  add: [NET_ADMIN, SYS_ADMIN]\n", "", ""),
			paths: []string{"spec.containers[0].securityContext.capabilities.add"},
		},
		{
			name:  "restricted field of init containers does not cover containers",
			rule:  "level: baseline\nexclude:\n- controlName: Privileged Containers\n  images: ['*']\n  restrictedField: spec.initContainers[*].securityContext.privileged\n  values: ['true']\n",
			tmpl:  baselinePod("privileged: true\n", "", "initContainers:\n- name: init\n  image: busybox\n  securityContext:\n    privileged: true\n"),
			paths: []string{"spec.containers[0].securityContext.privileged"},
		},
		{
			name:  "pod-level control by field and value",
			rule:  "level: baseline\nexclude:\n- controlName: Host Namespaces\n  restrictedField: spec.hostNetwork\n  values: ['true']\n",
			tmpl:  baselinePod("", "", "hostNetwork: true\nhostPID: true\n"),
			paths: []string{"spec.hostPID"},
		},
		{
			name: "pod-level control by name",
			rule: "level: baseline\nexclude:\n- controlName: Host Namespaces\n",
			tmpl: baselinePod("", "", "hostNetwork: true\nhostPID: true\n"),
		},
		{
			name:  "hostPath values match the path",
			rule:  "level: baseline\nexclude:\n- controlName: HostPath Volumes\n  restrictedField: spec.volumes[*].hostPath\n  values: ['/var/log*']\n",
			tmpl:  baselinePod("", "", "volumes:\n- name: etc\n  hostPath:\n    path: /etc\n- name: logs\n  hostPath:\n    path: /var/log/pods\n"),
			paths: []string{"spec.volumes[0].hostPath"},
		},
		{
			name: "sysctl wildcard values",
			rule: "level: baseline\nexclude:\n- controlName: Sysctls\n  restrictedField: spec.securityContext.sysctls[*].name\n  values: ['kernel.*']\n",
			tmpl: baselinePod("", "", "securityContext:\n  sysctls:\n  - name: kernel.msgmax\n    value: '1'\n  - name: kernel.sem\n    value: '1'\n"),
		},
		{
			name:  "mixed control without images covers only pod-level fields",
			rule:  "level: baseline\nexclude:\n- controlName: Seccomp\n",
			tmpl:  baselinePod("seccompProfile:\n  type: Unconfined\n", "", "securityContext:\n  seccompProfile:\n    type: Unconfined\n"),
			paths: []string{"spec.containers[0].securityContext.seccompProfile.type"},
		},
		{
			name:  "mixed control with images covers only container fields",
			rule:  "level: baseline\nexclude:\n- controlName: Seccomp\n  images: ['nginx:1.27']\n",
			tmpl:  baselinePod("seccompProfile:\n  type: Unconfined\n", "", "securityContext:\n  seccompProfile:\n    type: Unconfined\n"),
			paths: []string{"spec.securityContext.seccompProfile.type"},
		},
		{
			name: "required field is covered whatever the values",
			rule: "level: restricted\nexclude:\n- controlName: Running as Non-root\n  images: ['*']\n  restrictedField: spec.containers[*].securityContext.runAsNonRoot\n  values: ['false']\n",
			tmpl: restrictedPod("", "", "securityContext:\n  seccompProfile:\n    type: RuntimeDefault\n"),
		},
		{
			name: "AppArmor annotation by field",
			rule: "level: baseline\nexclude:\n- controlName: AppArmor\n  restrictedField: metadata.annotations[container.apparmor.security.beta.kubernetes.io/app]\n  values: [unconfined]\n",
			tmpl: "metadata:\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/app: unconfined\n" + baselinePod("", "", ""),
		},
		{
			name: "Seccomp covers both baseline and restricted check IDs",
			rule: "level: restricted\nexclude:\n- controlName: Seccomp\n  images: ['*']\n- controlName: Seccomp\n",
			tmpl: restrictedPod("seccompProfile:\n  type: Unconfined\n", "", "securityContext:\n  runAsNonRoot: true\n  seccompProfile:\n    type: Unconfined\n"),
		},
	}
	for _, tc := range tests {
		for _, k := range kinds {
			t.Run(tc.name+"/"+k.kind, func(t *testing.T) {
				chk := mustCompile(t, tc.rule)
				got, err := chk.Evaluate(mustParse(t, k.wrap(tc.tmpl)))
				if err != nil {
					t.Fatal(err)
				}
				var paths, want []string
				for _, v := range got {
					paths = append(paths, v.Paths...)
				}
				for _, p := range tc.paths {
					want = append(want, k.prefix+p)
				}
				if !reflect.DeepEqual(paths, want) {
					t.Errorf("remaining paths = %q, want %q\nviolations: %+v", paths, want, got)
				}
			})
		}
	}
}
