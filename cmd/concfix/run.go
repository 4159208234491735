package main

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/pprof"
	"slices"
	"strings"

	"github.com/concfix/concfix/fixers"
	"github.com/concfix/concfix/rewrite"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/analysis/unitchecker"
)

func concfix(args []string, stdout, stderr io.Writer) int {
	all := fixers.All()
	if vetProtocol(args) {
		// As the driver by default (without -generated), nothing in generated files.
		unitchecker.Main(fixers.WithoutGenerated(all)...) // does not return
	}
	if len(args) > 0 && args[0] == "help" {
		return help(args[1:], all, stdout, stderr)
	}

	fs := flag.NewFlagSet("concfix", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var (
		diff     = fs.Bool("diff", false, "print the fixes as a unified diff instead of applying them")
		write    = fs.Bool("w", false, "write the fixes to the source files")
		list     = fs.Bool("l", false, "list the files whose content -w would change")
		listFix  = fs.Bool("list", false, "list the fixers and exit")
		enable   = fs.String("enable", "", "comma-separated `fixers` to run (default: all)")
		disable  = fs.String("disable", "", "comma-separated `fixers` not to run")
		fail     = fs.String("fail", "", "`checks` whose findings without a fix fail the run: all, none, or a list such as all,-unboundedgo (default: all in the report modes, none with -diff, -w, -l)")
		unused   = fs.Bool("unusedignores", false, "report //concfix:ignore and //lint:ignore directives that silence no finding")
		tags     = fs.String("tags", "", "comma-separated build `tags`")
		tests    = fs.Bool("test", true, "include test files and test packages")
		version  = fs.Bool("V", false, "print the version (module version, VCS revision, modified) and exit")
		asJSON   = fs.Bool("json", false, "report the findings and their fixes as JSON")
		asSARIF  = fs.Bool("sarif", false, "report the findings and their fixes as SARIF 2.1.0")
		useCache = fs.Bool("cache", true, "reuse the findings and fixes of packages analysed before and unchanged since (cache in the user cache directory)")
		gen      = fs.Bool("generated", false, "report findings in generated files (// Code generated ... DO NOT EDIT.), which are never rewritten")
		color    = fs.String("color", "auto", "color the diff: `auto` (when stdout is a terminal and NO_COLOR is unset), always, never")
		cpuProf  = fs.String("cpuprofile", "", "write a CPU profile to `file`")
		memProf  = fs.String("memprofile", "", "write an allocation profile to `file` at exit")
	)
	// Each fixer's own flags, prefixed with its name, as go vet does (-ctxfirst.allow=...).
	for _, a := range all {
		a.Flags.VisitAll(func(f *flag.Flag) {
			fs.Var(f.Value, a.Name+"."+f.Name, f.Usage)
		})
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: concfix [flags] [packages | directories | files]\n\n"+
			"concfix finds concurrency pitfalls in Go code and fixes them.\n"+
			"With no packages it checks ./... \"concfix help\" lists the fixers and exit statuses.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitClean
		}
		return exitError
	}
	if *version {
		bi, ok := debug.ReadBuildInfo()
		fmt.Fprintln(stdout, versionLine(bi, ok))
		return exitClean
	}
	if *listFix {
		for _, a := range all {
			fmt.Fprintf(stdout, "%-12s %s\n", a.Name, title(a))
		}
		return exitClean
	}
	var modes []mode
	for m, on := range map[mode]bool{modeDiff: *diff, modeWrite: *write, modeList: *list, modeJSON: *asJSON, modeSARIF: *asSARIF} {
		if on {
			modes = append(modes, m)
		}
	}
	if len(modes) > 1 {
		fmt.Fprintln(stderr, "concfix: -diff, -w, -l, -json and -sarif exclude each other")
		return exitError
	}
	m := modeReport
	if len(modes) == 1 {
		m = modes[0]
	}
	checks := []string{directiveCheck}
	for _, a := range all {
		checks = append(checks, a.Name)
	}
	failOn, err := parseFail(*fail, checks, m)
	if err != nil {
		fmt.Fprintf(stderr, "concfix: %v\n", err)
		return exitError
	}
	analyzers, err := selectFixers(all, *enable, *disable)
	if err != nil {
		fmt.Fprintf(stderr, "concfix: %v\n", err)
		return exitError
	}
	if *cpuProf != "" || *memProf != "" {
		stop, err := startProfiles(*cpuProf, *memProf)
		if err != nil {
			fmt.Fprintf(stderr, "concfix: %v\n", err)
			return exitError
		}
		defer func() {
			if err := stop(); err != nil {
				fmt.Fprintf(stderr, "concfix: %v\n", err)
			}
		}()
	}
	opts := rewrite.Options{Patterns: fs.Args(), Tests: *tests, Analyzers: fixers.Audited(analyzers, *unused), Generated: *gen}
	if *tags != "" {
		opts.BuildFlags = []string{"-tags=" + *tags}
	}
	cwd, err := os.Getwd()
	if err != nil {
		fmt.Fprintf(stderr, "concfix: %v\n", err)
		return exitError
	}
	opts.Dir = cwd
	if *useCache {
		opts.CacheDir, opts.CacheSalt = cacheConfig(opts, *unused)
	}
	useColor, err := colorMode(*color, stdout)
	if err != nil {
		fmt.Fprintf(stderr, "concfix: %v\n", err)
		return exitError
	}
	var prog *progress
	if showProgress(stderr) {
		prog = newProgress(stderr)
		opts.Progress = prog.update
	}
	res, err := rewrite.Run(opts)
	if prog != nil {
		prog.clear() // before anything else is printed
	}
	if err != nil {
		fmt.Fprintf(stderr, "concfix: %v\n", err)
		return exitError
	}

	rel := func(path string) string {
		if r, err := filepath.Rel(cwd, path); err == nil {
			return filepath.ToSlash(r)
		}
		return filepath.ToSlash(path)
	}
	for _, p := range res.Problems {
		fmt.Fprintln(stderr, p)
	}
	for _, err := range res.Internal {
		fmt.Fprintf(stderr, "concfix: %v\n", err)
	}
	findings := findingsOf(res.Findings, *unused)
	printFinding := func(w io.Writer, f rewrite.Finding, why bool) {
		fmt.Fprintf(w, "%s:%d:%d: %s (%s", rel(f.Pos.Filename), f.Pos.Line, f.Pos.Column, f.Message, f.Analyzer)
		if why && f.NoFix != "" {
			fmt.Fprintf(w, ", no fix: %s", f.NoFix)
		}
		fmt.Fprintln(w, ")")
	}
	writeFailed := false
	switch m {
	case modeDiff, modeList, modeWrite:
		for _, f := range findings {
			if !f.Fixed {
				out := stderr
				if m == modeWrite {
					out = stdout
				}
				printFinding(out, f, true)
			}
		}
		for _, c := range res.Changes {
			switch m {
			case modeDiff:
				d := rewrite.UnifiedDiff(rel(c.Path), c.Old, c.New)
				if useColor {
					d = colorDiff(d)
				}
				fmt.Fprint(stdout, d)
			case modeList:
				fmt.Fprintln(stdout, rel(c.Path))
			case modeWrite:
				if err := rewrite.WriteFile(c.Path, c.Old, c.New); err != nil {
					fmt.Fprintf(stderr, "%s: cannot write: %v\n", rel(c.Path), unwrapPath(err))
					writeFailed = true
				}
			}
		}
	case modeJSON:
		if err := writeJSON(stdout, res, findings, rel); err != nil {
			fmt.Fprintf(stderr, "concfix: %v\n", err)
			return exitError
		}
	case modeSARIF:
		status := exitStatus(m, res, findings, failOn, false)
		if err := writeSARIF(stdout, res, findings, analyzers, invocation{args, cwd, status}); err != nil {
			fmt.Fprintf(stderr, "concfix: %v\n", err)
			return exitError
		}
	default:
		for _, f := range findings {
			printFinding(stdout, f, false)
		}
	}
	return exitStatus(m, res, findings, failOn, writeFailed)
}

// unwrapPath drops the path that a *fs.PathError repeats.
func unwrapPath(err error) error {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

// vetProtocol reports whether concfix was started by go vet or go fix as their tool
// (-vettool, -fixtool): they pass a JSON .cfg file, or ask for -flags or -V=full.
func vetProtocol(args []string) bool {
	if len(args) == 0 {
		return false
	}
	last := args[len(args)-1]
	return strings.HasSuffix(last, ".cfg") || slices.Contains(args, "-flags") || slices.Contains(args, "-V=full")
}

func selectFixers(all []*analysis.Analyzer, enable, disable string) ([]*analysis.Analyzer, error) {
	names := make(map[string]bool)
	for _, a := range all {
		names[a.Name] = true
	}
	parse := func(s string) (map[string]bool, error) {
		if s == "" {
			return nil, nil
		}
		set := make(map[string]bool)
		for n := range strings.SplitSeq(s, ",") {
			n = strings.TrimSpace(n)
			if !names[n] {
				return nil, fmt.Errorf("unknown fixer %q (see concfix -list)", n)
			}
			set[n] = true
		}
		return set, nil
	}
	en, err := parse(enable)
	if err != nil {
		return nil, err
	}
	dis, err := parse(disable)
	if err != nil {
		return nil, err
	}
	var out []*analysis.Analyzer
	for _, a := range all {
		if (en == nil || en[a.Name]) && !dis[a.Name] {
			out = append(out, a)
		}
	}
	return out, nil
}

// cacheConfig returns the result cache's directory and the salt of its keys: concfix's
// own executable and every option that changes what the fixers report. With no usable
// cache directory or executable, it returns "" (no cache).
func cacheConfig(opts rewrite.Options, unusedIgnores bool) (dir, salt string) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", ""
	}
	exe, err := os.Executable()
	if err != nil {
		return "", ""
	}
	f, err := os.Open(exe)
	if err != nil {
		return "", ""
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", ""
	}
	fmt.Fprintf(h, "\ntests=%v build=%q unusedignores=%v\n", opts.Tests, opts.BuildFlags, unusedIgnores)
	for _, a := range opts.Analyzers {
		fmt.Fprintf(h, "fixer %s", a.Name)
		a.Flags.VisitAll(func(f *flag.Flag) { fmt.Fprintf(h, " -%s=%s", f.Name, f.Value) })
		fmt.Fprintln(h)
	}
	return filepath.Join(base, "concfix"), hex.EncodeToString(h.Sum(nil))
}

// startProfiles starts a CPU profile into cpu and arranges an allocation profile into mem
// (either may be ""); stop ends them.
func startProfiles(cpu, mem string) (stop func() error, err error) {
	var cpuFile *os.File
	if cpu != "" {
		if cpuFile, err = os.Create(cpu); err != nil {
			return nil, err
		}
		if err := pprof.StartCPUProfile(cpuFile); err != nil {
			cpuFile.Close()
			return nil, err
		}
	}
	return func() error {
		var errs []error
		if cpuFile != nil {
			pprof.StopCPUProfile()
			errs = append(errs, cpuFile.Close())
		}
		if mem != "" {
			f, err := os.Create(mem)
			if err != nil {
				return errors.Join(append(errs, err)...)
			}
			runtime.GC()
			errs = append(errs, pprof.Lookup("allocs").WriteTo(f, 0), f.Close())
		}
		return errors.Join(errs...)
	}, nil
}
