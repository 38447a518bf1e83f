package policies_test

import (
	"fmt"
	"strings"
	"testing"

	corev1 "k8s.io/api/core/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/pod-security-admission/api"
	psa "k8s.io/pod-security-admission/policy"
	k8syaml "sigs.k8s.io/yaml"

	"github.com/preadmit/preadmit/policies"
	"github.com/preadmit/preadmit/transform"
	"github.com/preadmit/preadmit/transform/policy"
	"github.com/preadmit/preadmit/transform/report"
)

// controlCase is one Pod Security Standards control, the built-in policy
// named for it, and pod templates that the upstream library
// (k8s.io/pod-security-admission, what the API server runs) forbids or
// allows for that control.
type controlCase struct {
	control string
	policy  string
	level   api.Level
	checks  []psa.CheckID
	fail    []string // pod templates the library forbids
	pass    []string // pod templates the library allows
	// diverges lists templates where the Kyverno policy and the library
	// disagree, with the reason; the test asserts the disagreement so it
	// cannot go unnoticed when either side changes.
	diverges map[string]string
}

// pod is a one-container pod template with the given container and pod
// fields (YAML, indented by the caller's wish: plain lines).
func pod(containerFields, podFields string) string {
	var b strings.Builder
	b.WriteString("spec:\n")
	for _, l := range lines(podFields) {
		b.WriteString("  " + l + "\n")
	}
	b.WriteString("  containers:\n  - name: app\n    image: nginx:1.27\n")
	for _, l := range lines(containerFields) {
		b.WriteString("    " + l + "\n")
	}
	return b.String()
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(strings.TrimRight(s, "\n"), "\n")
}

var pssControls = []controlCase{
	// Baseline.
	{control: "HostProcess", policy: "disallow-host-process", level: api.LevelBaseline, checks: ids("windowsHostProcess"),
		fail: []string{pod("securityContext:\n  windowsOptions:\n    hostProcess: true", ""), pod("", "securityContext:\n  windowsOptions:\n    hostProcess: true")},
		pass: []string{pod("securityContext:\n  windowsOptions:\n    hostProcess: false", ""), pod("", "")}},
	{control: "Host Namespaces", policy: "disallow-host-namespaces", level: api.LevelBaseline, checks: ids("hostNamespaces"),
		fail: []string{pod("", "hostNetwork: true"), pod("", "hostPID: true"), pod("", "hostIPC: true")},
		pass: []string{pod("", "hostNetwork: false\nhostPID: false\nhostIPC: false"), pod("", "")}},
	{control: "Privileged Containers", policy: "disallow-privileged-containers", level: api.LevelBaseline, checks: ids("privileged"),
		fail: []string{pod("securityContext:\n  privileged: true", "")},
		pass: []string{pod("securityContext:\n  privileged: false", ""), pod("", "")}},
	{control: "Capabilities", policy: "disallow-capabilities", level: api.LevelBaseline, checks: ids("capabilities_baseline"),
		fail: []string{pod("securityContext:\n  capabilities:\n    add: [NET_ADMIN]", ""), pod("securityContext:\n  capabilities:\n    add: [SYS_ADMIN, CHOWN]", "")},
		pass: []string{pod("securityContext:\n  capabilities:\n    add: [CHOWN, NET_BIND_SERVICE]", ""), pod("", "")}},
	{control: "HostPath Volumes", policy: "disallow-host-path", level: api.LevelBaseline, checks: ids("hostPathVolumes"),
		fail: []string{pod("", "volumes:\n- name: logs\n  hostPath:\n    path: /var/log")},
		pass: []string{pod("", "volumes:\n- name: cache\n  emptyDir: {}")}},
	{control: "Host Ports", policy: "disallow-host-ports", level: api.LevelBaseline, checks: ids("hostPorts"),
		fail: []string{pod("ports:\n- containerPort: 80\n  hostPort: 8080", "")},
		pass: []string{pod("ports:\n- containerPort: 80", ""), pod("ports:\n- containerPort: 80\n  hostPort: 0", "")}},
	{control: "AppArmor", policy: "restrict-apparmor-profiles", level: api.LevelBaseline, checks: ids("appArmorProfile"),
		fail: []string{
			"metadata:\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/app: unconfined\n" + pod("", ""),
			pod("securityContext:\n  appArmorProfile:\n    type: Unconfined", ""),
		},
		pass: []string{"metadata:\n  annotations:\n    container.apparmor.security.beta.kubernetes.io/app: runtime/default\n" + pod("", ""), pod("", ""),
			// annotations present but null, as Helm templates leave them.
			"metadata:\n  annotations:\n" + pod("", "")},
		diverges: map[string]string{
			pod("securityContext:\n  appArmorProfile:\n    type: Unconfined", ""): "the Kyverno policy checks only the beta annotation, not securityContext.appArmorProfile (Kubernetes 1.30+)",
		}},
	{control: "SELinux", policy: "disallow-selinux", level: api.LevelBaseline, checks: ids("seLinuxOptions"),
		fail: []string{pod("securityContext:\n  seLinuxOptions:\n    type: spc_t", ""), pod("", "securityContext:\n  seLinuxOptions:\n    user: system_u")},
		pass: []string{pod("securityContext:\n  seLinuxOptions:\n    type: container_t", ""), pod("", "")}},
	{control: "/proc Mount Type", policy: "disallow-proc-mount", level: api.LevelBaseline, checks: ids("procMount"),
		fail: []string{pod("securityContext:\n  procMount: Unmasked", "")},
		pass: []string{pod("securityContext:\n  procMount: Default", ""), pod("", "")}},
	{control: "Seccomp", policy: "restrict-seccomp", level: api.LevelBaseline, checks: ids("seccompProfile_baseline"),
		fail: []string{pod("securityContext:\n  seccompProfile:\n    type: Unconfined", ""), pod("", "securityContext:\n  seccompProfile:\n    type: Unconfined")},
		pass: []string{pod("securityContext:\n  seccompProfile:\n    type: RuntimeDefault", ""), pod("", "")}},
	{control: "Sysctls", policy: "restrict-sysctls", level: api.LevelBaseline, checks: ids("sysctls"),
		fail: []string{pod("", "securityContext:\n  sysctls:\n  - name: kernel.msgmax\n    value: '65536'")},
		pass: []string{pod("", "securityContext:\n  sysctls:\n  - name: net.ipv4.ip_unprivileged_port_start\n    value: '0'"), pod("", "")}},

	// Restricted.
	{control: "Volume Types", policy: "restrict-volume-types", level: api.LevelRestricted, checks: ids("restrictedVolumes"),
		fail: []string{pod("", "volumes:\n- name: data\n  nfs:\n    server: nfs\n    path: /"), pod("", "volumes:\n- name: logs\n  hostPath:\n    path: /var/log")},
		pass: []string{pod("", "volumes:\n- name: data\n  persistentVolumeClaim:\n    claimName: data\n- name: cfg\n  configMap:\n    name: cfg"), pod("", "")}},
	{control: "Privilege Escalation", policy: "disallow-privilege-escalation", level: api.LevelRestricted, checks: ids("allowPrivilegeEscalation"),
		fail: []string{pod("securityContext:\n  allowPrivilegeEscalation: true", ""), pod("", "")},
		pass: []string{pod("securityContext:\n  allowPrivilegeEscalation: false", "")}},
	{control: "Running as Non-root", policy: "require-run-as-nonroot", level: api.LevelRestricted, checks: ids("runAsNonRoot"),
		fail: []string{pod("securityContext:\n  runAsNonRoot: false", ""), pod("", "")},
		pass: []string{pod("", "securityContext:\n  runAsNonRoot: true"), pod("securityContext:\n  runAsNonRoot: true", "")}},
	{control: "Running as Non-root user", policy: "require-run-as-non-root-user", level: api.LevelRestricted, checks: ids("runAsUser"),
		fail: []string{pod("securityContext:\n  runAsUser: 0", ""), pod("", "securityContext:\n  runAsUser: 0")},
		pass: []string{pod("securityContext:\n  runAsUser: 1000", ""), pod("", "")}},
	{control: "Seccomp (restricted)", policy: "restrict-seccomp-strict", level: api.LevelRestricted, checks: ids("seccompProfile_restricted"),
		fail: []string{pod("", ""), pod("securityContext:\n  seccompProfile:\n    type: Unconfined", "")},
		pass: []string{pod("", "securityContext:\n  seccompProfile:\n    type: RuntimeDefault"), pod("securityContext:\n  seccompProfile:\n    type: Localhost\n    localhostProfile: p.json", "")}},
	{control: "Capabilities (restricted)", policy: "disallow-capabilities-strict", level: api.LevelRestricted, checks: ids("capabilities_restricted"),
		fail: []string{pod("", ""), pod("securityContext:\n  capabilities:\n    drop: [ALL]\n    add: [CHOWN]", "")},
		pass: []string{pod("securityContext:\n  capabilities:\n    drop: [ALL]", ""), pod("securityContext:\n  capabilities:\n    drop: [ALL]\n    add: [NET_BIND_SERVICE]", "")}},
}

func ids(s ...string) []psa.CheckID {
	out := make([]psa.CheckID, len(s))
	for i, id := range s {
		out[i] = psa.CheckID(id)
	}
	return out
}

// wrappers put a pod template into each shape a rule is written or
// autogenerated for.
var wrappers = []struct {
	kind string
	wrap func(tmpl string) string
}{
	{"Pod", func(tmpl string) string {
		return "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n" + strings.Replace(tmpl, "metadata:\n", "", 1)
	}},
	{"Deployment", func(tmpl string) string {
		return "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: d\nspec:\n  template:\n" + indent(tmpl, 4)
	}},
	{"CronJob", func(tmpl string) string {
		return "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: c\nspec:\n  schedule: '@daily'\n  jobTemplate:\n    spec:\n      template:\n" + indent(tmpl, 8)
	}},
}

func indent(s string, n int) string {
	pad := strings.Repeat(" ", n)
	var b strings.Builder
	for _, l := range lines(s) {
		b.WriteString(pad + l + "\n")
	}
	return b.String()
}

// TestPodSecurityPoliciesAgreeWithLibrary checks every built-in Pod
// Security Standards policy against the upstream library's own verdict for
// its control: a failing and a passing pod each, as a Pod, a Deployment
// and a CronJob (the autogen rules).
func TestPodSecurityPoliciesAgreeWithLibrary(t *testing.T) {
	lib, err := policy.LoadFS(policies.FS, ".", "embedded:policies")
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*policy.Policy{}
	for _, p := range lib.Policies {
		byName[p.Name] = p
	}
	covered := map[string]bool{}
	for _, cc := range pssControls {
		p := byName[cc.policy]
		if p == nil {
			t.Fatalf("%s: no built-in policy %s", cc.control, cc.policy)
		}
		covered[cc.policy] = true
		eng, err := transform.New(transform.Options{Policies: []*policy.Policy{p}})
		if err != nil {
			t.Fatal(err)
		}
		run := func(tmpl string, wantForbidden bool) {
			forbidden := libraryForbids(t, cc, tmpl)
			if forbidden != wantForbidden {
				t.Fatalf("%s: the library says forbidden=%v for a template listed as %v:\n%s", cc.control, forbidden, wantForbidden, tmpl)
			}
			want := forbidden
			if reason, ok := cc.diverges[tmpl]; ok {
				want = !forbidden
				t.Logf("%s: known divergence: %s", cc.control, reason)
			}
			for _, w := range wrappers {
				out, err := eng.Render([]byte(w.wrap(tmpl)))
				if err != nil {
					t.Fatalf("%s %s: %v", cc.control, w.kind, err)
				}
				failed, ran := false, false
				for _, r := range out.Results {
					ran = ran || r.Status == report.StatusPass || r.Status == report.StatusFail
					failed = failed || r.Status == report.StatusFail
				}
				if !ran {
					t.Errorf("%s %s: no rule of %s ran:\n%v", cc.control, w.kind, cc.policy, out.Results)
					continue
				}
				if failed != want {
					t.Errorf("%s as a %s: %s fails=%v, the library forbids=%v (expected agreement=%v)\n%s\n%s",
						cc.control, w.kind, cc.policy, failed, forbidden, want == forbidden, w.wrap(tmpl), describe(out.Results))
				}
			}
		}
		for _, tmpl := range cc.fail {
			run(tmpl, true)
		}
		for _, tmpl := range cc.pass {
			run(tmpl, false)
		}
	}
	// Every Baseline and Restricted policy of the library has a case.
	// (The podsecurity-* subrule policies are checked against the library
	// in transform/validate/podsecurity; mutations are not controls.)
	for _, p := range lib.Policies {
		if strings.HasPrefix(p.Category(), "Pod Security Standards") && !covered[p.Name] &&
			!strings.HasPrefix(p.Name, "podsecurity-") && !hasMutation(p) {
			t.Errorf("built-in %s (%s) has no control case", p.Name, p.Category())
		}
	}
}

// libraryForbids runs the control's checks, at the latest version, the way
// the library's Evaluator does.
func libraryForbids(t *testing.T, cc controlCase, tmpl string) bool {
	t.Helper()
	var pt struct {
		Metadata metav1.ObjectMeta `json:"metadata"`
		Spec     corev1.PodSpec    `json:"spec"`
	}
	if err := k8syaml.Unmarshal([]byte(tmpl), &pt); err != nil {
		t.Fatalf("decode template: %v\n%s", err, tmpl)
	}
	forbidden := false
	for _, chk := range psa.DefaultChecks() {
		if !containsID(cc.checks, chk.ID) {
			continue
		}
		latest := chk.Versions[len(chk.Versions)-1]
		if !latest.CheckPod(&pt.Metadata, &pt.Spec).Allowed {
			forbidden = true
		}
	}
	return forbidden
}

func containsID(list []psa.CheckID, id psa.CheckID) bool {
	for _, x := range list {
		if x == id {
			return true
		}
	}
	return false
}

func describe(rs []report.Result) string {
	var b strings.Builder
	for _, r := range rs {
		fmt.Fprintln(&b, report.Line(r))
	}
	return b.String()
}

func hasMutation(p *policy.Policy) bool {
	for _, r := range p.Rules {
		if r.RuleType() == policy.RuleMutation {
			return true
		}
	}
	return false
}
