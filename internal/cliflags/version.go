package cliflags

import "runtime/debug"

// BuildVersion is the version --version prints and the reports name: the
// -ldflags one, else the module version (a release tag, or the
// pseudo-version go build derives from the commit), else the commit the
// binary was built from, "-dirty" when the tree had changes; "dev" only
// for a binary that carries none of these.
func BuildVersion(ldflags string, info *debug.BuildInfo, ok bool) string {
	if ldflags != "" {
		return ldflags
	}
	if !ok || info == nil {
		return "dev"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			modified = s.Value
		}
	}
	if rev == "" {
		return "dev"
	}
	if len(rev) > 12 {
		rev = rev[:12]
	}
	if modified == "true" {
		rev += "-dirty"
	}
	return rev
}

// Version is the running binary's version, ldflags being its
// -ldflags "-X main.version=..." value ("" when not set).
func Version(ldflags string) string {
	info, ok := debug.ReadBuildInfo()
	return BuildVersion(ldflags, info, ok)
}
