// Package fixers is the registry of concfix's fixers: one analyzer per pitfall, each in
// its own package under this directory.
package fixers

import (
	"sync"

	"github.com/concfix/concfix/fixers/chanmutex"
	"github.com/concfix/concfix/fixers/closerecv"
	"github.com/concfix/concfix/fixers/ctxdone"
	"github.com/concfix/concfix/fixers/ctxfirst"
	"github.com/concfix/concfix/fixers/ctxprop"
	"github.com/concfix/concfix/fixers/lostcancel"
	"github.com/concfix/concfix/fixers/racewrite"
	"github.com/concfix/concfix/fixers/recvclosed"
	"github.com/concfix/concfix/fixers/singlesend"
	"github.com/concfix/concfix/fixers/testfatal"
	"github.com/concfix/concfix/fixers/tickerstop"
	"github.com/concfix/concfix/fixers/unboundedgo"
	"github.com/concfix/concfix/fixers/unlock"
	"github.com/concfix/concfix/fixers/waitgroup"
	"golang.org/x/tools/go/analysis"
)

// registry lists every fixer, one line each, in the order they run and are listed.
var registry = []*analysis.Analyzer{
	lostcancel.Analyzer,
	ctxfirst.Analyzer,
	ctxprop.Analyzer,
	ctxdone.Analyzer,
	singlesend.Analyzer,
	tickerstop.Analyzer,
	closerecv.Analyzer,
	unboundedgo.Analyzer,
	chanmutex.Analyzer,
	waitgroup.Analyzer,
	unlock.Analyzer,
	racewrite.Analyzer,
	recvclosed.Analyzer,
	testfatal.Analyzer,
}

// All returns every fixer, wrapped so that suppression comments are honoured.
var All = sync.OnceValue(func() []*analysis.Analyzer {
	all := make([]*analysis.Analyzer, len(registry))
	for i, a := range registry {
		all[i] = suppressible(a)
	}
	return all
})

func knownFixer(name string) bool {
	for _, a := range registry {
		if a.Name == name {
			return true
		}
	}
	return false
}
