package racewrite

import (
	_ "embed"
	"fmt"
	"go/ast"
	"go/types"
	"strings"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"golang.org/x/tools/go/analysis"
)

//go:embed doc.go
var docGo string

var Analyzer = &analysis.Analyzer{
	Name:     "racewrite",
	Doc:      fixkit.Doc(docGo, "racewrite"),
	URL:      fixkit.URL("racewrite"),
	Requires: []*analysis.Analyzer{model.Analyzer},
	Run:      run,
}

// A fixKind is the fix chosen for a racy variable.
type fixKind uint8

const (
	noFix  fixKind = iota
	local          // the goroutine gets a variable of its own
	atomic         // the variable becomes a sync/atomic type
	slots          // each goroutine gets its own slot of a preallocated slice
	group          // an errgroup.Group keeps the first error (-racewrite.errgroup)
	mutex          // a mutex held around the goroutines' accesses
)

// A finding is a shared variable with races.
type finding struct {
	v     *model.SharedVar
	races []model.Race
	race  model.Race // the one reported

	kind  fixKind
	why   string // the reason there is no fix
	local *localPlan
	atom  *atomicPlan
	slot  *slotPlan
	group *groupPlan
	lock  *lockPlan
}

type checker struct {
	pass *analysis.Pass
	m    *model.Model
	sh   *model.Shared
}

func run(pass *analysis.Pass) (any, error) {
	m := pass.ResultOf[model.Analyzer].(*model.Model)
	if !importsSync(pass.Pkg) && len(m.Gos) == 0 {
		return nil, nil
	}
	sh := m.Shared()
	if len(sh.Spawns) == 0 {
		return nil, nil
	}
	c := &checker{pass: pass, m: m, sh: sh}
	var finds []*finding
	for _, v := range sh.Vars {
		var races []model.Race
		for _, r := range sh.Races(v) {
			if !c.deliberate(r) {
				races = append(races, r)
			}
		}
		if len(races) == 0 {
			continue
		}
		f := &finding{v: v, races: races, race: races[0]}
		for _, r := range races {
			if r.B.Spawn != nil {
				f.race = r // between goroutines, when there is such a race
				break
			}
		}
		c.decide(f)
		finds = append(finds, f)
	}
	c.groupLocks(finds)
	for _, f := range finds {
		c.report(f)
	}
	return nil, nil
}

// importsSync reports whether the package imports sync or errgroup (the WaitGroup.Go and
// errgroup.Go starts).
func importsSync(pkg *types.Package) bool {
	for _, p := range pkg.Imports() {
		if p.Path() == "sync" || p.Path() == "golang.org/x/sync/errgroup" {
			return true
		}
	}
	return false
}

// name is how the finding names the memory accessed: the variable or the field path.
func name(f *finding) string {
	if e := f.race.A.Expr; e != nil {
		return types.ExprString(e)
	}
	return f.v.Var.Name()
}

func isMap(a *model.Access) bool {
	return (a.Kind == model.ElemWrite || a.Kind == model.ElemRead) && !a.Slice
}

// verb says what an access does, for messages.
func verb(a *model.Access) string {
	switch a.Kind {
	case model.Write, model.Update, model.ElemWrite:
		return "writes"
	}
	return "reads"
}

// message describes the reported race.
func (c *checker) message(f *finding) string {
	a, b := f.race.A, f.race.B
	n := name(f)
	if b.Spawn != nil {
		who := "goroutines"
		if a.Spawn == b.Spawn {
			who = "goroutines started in a loop"
		}
		both := "write"
		if verb(a) != verb(b) {
			both = "read and write"
		}
		if isMap(a) || isMap(b) {
			crash := "concurrent map writes"
			if both != "write" {
				crash = "concurrent map read and map write"
			}
			return fmt.Sprintf("%s %s map %s with no lock between them: a data race, and %s crash the program", who, both, n, crash)
		}
		return fmt.Sprintf("%s %s %s with no lock, atomic or channel between them: a data race", who, both, n)
	}
	fn := b.Frame().Name()
	switch {
	case isReturn(b):
		return fmt.Sprintf("the goroutine %s %s, which %s returns: %s may return while the goroutine still runs, a data race", verb(a), n, fn, fn)
	case b.Timing == model.AtExit:
		return fmt.Sprintf("the goroutine %s %s, which a function deferred by %s %s: %s may return while the goroutine still runs, a data race", verb(a), n, fn, verb(b), fn)
	}
	return fmt.Sprintf("the goroutine %s %s while %s %s it, with nothing ordering them: a data race", verb(a), n, fn, verb(b))
}

func isReturn(a *model.Access) bool {
	_, ok := a.Node.(*ast.ReturnStmt)
	return ok && a.Expr == nil
}

// report reports f with its fix, or with the reason it has none.
func (c *checker) report(f *finding) {
	d := analysis.Diagnostic{Pos: f.race.A.Node.Pos(), End: f.race.A.Node.End(), Message: c.message(f)}
	if a, b := f.race.A, f.race.B; a != b {
		what := "the other access"
		switch {
		case isReturn(b):
			what = "it returns here"
		case b.Timing == model.AtExit:
			what = "the deferred function " + verb(b) + " it here"
		case verb(b) == "writes":
			what = "written here"
		default:
			what = "read here"
		}
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: b.Node.Pos(), End: b.Node.End(), Message: what})
	} else if s := a.Spawn; s != nil {
		d.Related = append(d.Related, analysis.RelatedInformation{Pos: s.Node.Pos(), Message: "the goroutines start here"})
	}
	switch f.kind {
	case local:
		fixkit.Report(c.pass, d, fmt.Sprintf("Give each goroutine its own %s", f.v.Var.Name()), func(fx *fixkit.Fix) error {
			return c.buildLocal(fx, f)
		})
	case atomic:
		fixkit.Report(c.pass, d, fmt.Sprintf("Make %s an atomic.%s", f.v.Var.Name(), f.atom.typ), func(fx *fixkit.Fix) error {
			return c.buildAtomic(fx, f)
		})
	case group:
		fixkit.Report(c.pass, d, "Keep the first error with an errgroup.Group", func(fx *fixkit.Fix) error {
			return c.buildGroup(fx, f)
		})
	case slots:
		fixkit.Report(c.pass, d, fmt.Sprintf("Give each goroutine its own slot of %s", f.v.Var.Name()), func(fx *fixkit.Fix) error {
			return c.buildSlots(fx, f)
		})
	case mutex:
		fixkit.Report(c.pass, d, f.lock.group.message(), func(fx *fixkit.Fix) error {
			return c.buildLocks(fx, f.lock.group)
		})
	default:
		fixkit.Refuse(c.pass, d, d.Pos, f.why)
	}
}

// deliberate reports whether a comment on the line of either access (or directly above
// it) says the race is meant: "racy", or a race said to be intentional, deliberate, on
// purpose or provoked ("// racy write", "// deliberate data race"), as tests of race
// detectors write.
func (c *checker) deliberate(r model.Race) bool {
	for _, a := range []*model.Access{r.A, r.B} {
		if cg := c.m.Comment(a.Node.Pos()); cg != nil {
			t := strings.ToLower(cg.Text())
			if strings.Contains(t, "racy") {
				return true
			}
			if strings.Contains(t, "race") {
				for _, w := range []string{"intentional", "deliberate", "on purpose", "provoke"} {
					if strings.Contains(t, w) {
						return true
					}
				}
			}
		}
	}
	return false
}
