package main

import (
	"runtime/debug"
	"testing"
)

func TestVersionLine(t *testing.T) {
	vcs := func(kv ...string) []debug.BuildSetting {
		var s []debug.BuildSetting
		for i := 0; i < len(kv); i += 2 {
			s = append(s, debug.BuildSetting{Key: kv[i], Value: kv[i+1]})
		}
		return s
	}
	rev := "0e1d27f1a2b3c4d5e6f708192a3b4c5d6e7f8091"
	for _, tc := range []struct {
		name string
		bi   *debug.BuildInfo
		ok   bool
		want string
	}{
		{"no build info", nil, false, "concfix (devel) (no build information)"},
		{"go install @version", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.2.0"}}, true,
			"concfix v0.2.0 (no VCS revision, go1.26.8)"},
		{"go test", &debug.BuildInfo{GoVersion: "go1.26.8"}, true, "concfix (devel) (no VCS revision, go1.26.8)"},
		{"checkout", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261127103000-0e1d27f1a2b3"},
			Settings: vcs("vcs", "git", "vcs.revision", rev, "vcs.time", "2026-11-27T10:30:00Z", "vcs.modified", "false")}, true,
			"concfix v0.0.0-20261127103000-0e1d27f1a2b3 (git " + rev + ", 2026-11-27T10:30:00Z, go1.26.8)"},
		{"modified", &debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Version: "v0.0.0-20261127103000-0e1d27f1a2b3+dirty"},
			Settings: vcs("vcs", "git", "vcs.revision", rev, "vcs.time", "2026-11-27T10:30:00Z", "vcs.modified", "true")}, true,
			"concfix v0.0.0-20261127103000-0e1d27f1a2b3+dirty (git " + rev + ", modified, 2026-11-27T10:30:00Z, go1.26.8)"},
	} {
		if got := versionLine(tc.bi, tc.ok); got != tc.want {
			t.Errorf("%s:\n got %s\nwant %s", tc.name, got, tc.want)
		}
	}
}
