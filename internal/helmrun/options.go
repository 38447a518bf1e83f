package helmrun

import (
	"time"

	"github.com/preadmit/preadmit/pipeline"
)

// Command is the Helm command a wrapper runs.
type Command string

// The wrapped commands.
const (
	Template Command = "template"
	Install  Command = "install"
	Upgrade  Command = "upgrade"
)

// Options are the Helm settings of a wrapper, with the same meaning as
// helm's flags of the same names.
type Options struct {
	Command Command
	// Release and Chart are the NAME and CHART arguments; Chart is a
	// directory, an archive, repo/name or an oci:// reference.
	Release, Chart string
	// Version is the chart version for a repository chart (--version).
	Version string
	// ValueFiles (-f), Values (--set) and StringValues (--set-string).
	ValueFiles, Values, StringValues []string
	// DryRun renders client-side without contacting a cluster (install and
	// upgrade; upgrade renders as "helm template --is-upgrade" does).
	DryRun bool
	// KubeVersion is the Kubernetes version of a client-side render.
	KubeVersion string
	// UpgradeInstall installs when the release does not exist (upgrade -i).
	UpgradeInstall bool
	// Timeout bounds each hook and the wait (--timeout); Wait waits for the
	// resources to be ready.
	Timeout time.Duration
	Wait    bool
	// CreateNamespace creates the release namespace when an install needs
	// it (--create-namespace); Atomic rolls a failed install or upgrade
	// back (--atomic, which waits, as helm's does).
	CreateNamespace, Atomic bool
	// Render says which policies run, in which mode, and where reports go.
	// Render.Namespace is the release namespace (-n).
	Render pipeline.Options
}

func (o Options) clientOnly() bool { return o.Command == Template || o.DryRun }
