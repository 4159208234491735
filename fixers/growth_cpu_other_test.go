//go:build !unix

package fixers

import "time"

// cpuTime returns 0 where getrusage is missing: BenchmarkGrowth then reports no
// cpu-ns/line.
func cpuTime() time.Duration { return 0 }
