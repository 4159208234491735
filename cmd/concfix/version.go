package main

import (
	"fmt"
	"runtime/debug"
	"strings"
)

// moduleVersion is concfix's module version: v1.2.3 when installed with go install
// ...@v1.2.3, a pseudo-version when built in a checkout, else "(devel)".
func moduleVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// versionLine is what -V prints: the module version, then the VCS revision the binary was
// built from, whether the tree had changes, and the commit time, then the Go version.
func versionLine(bi *debug.BuildInfo, ok bool) string {
	if !ok {
		return "concfix (devel) (no build information)"
	}
	version := bi.Main.Version
	if version == "" {
		version = "(devel)"
	}
	settings := make(map[string]string)
	for _, s := range bi.Settings {
		settings[s.Key] = s.Value
	}
	var parts []string
	if rev := settings["vcs.revision"]; rev != "" {
		vcs := settings["vcs"]
		if vcs == "" {
			vcs = "revision"
		}
		parts = append(parts, vcs+" "+rev)
		if settings["vcs.modified"] == "true" {
			parts = append(parts, "modified")
		}
		if t := settings["vcs.time"]; t != "" {
			parts = append(parts, t)
		}
	} else {
		parts = append(parts, "no VCS revision")
	}
	parts = append(parts, bi.GoVersion)
	return fmt.Sprintf("concfix %s (%s)", version, strings.Join(parts, ", "))
}
