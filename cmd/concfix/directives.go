package main

import (
	"cmp"
	"slices"

	"github.com/concfix/concfix/fixers"
	"github.com/concfix/concfix/rewrite"
)

// findingsOf returns the findings to show: the fixers' own, and the problems with
// suppression directives as findings of directiveCheck. The fixers mark each directive
// they cover as used or unused (fixers.Audited); one that none used is reported when
// unused is set.
func findingsOf(all []rewrite.Finding, unused bool) []rewrite.Finding {
	var out []rewrite.Finding
	used := make(map[string]bool) // directive positions
	var unusedAt []rewrite.Finding
	seen := make(map[string]bool)
	for _, f := range all {
		switch f.Category {
		case fixers.DirectiveUsed:
			used[f.Pos.String()] = true
		case fixers.DirectiveUnused:
			unusedAt = append(unusedAt, f)
		case fixers.BadDirective:
			f.Analyzer = directiveCheck
			if k := f.Pos.String() + "\x00" + f.Message; !seen[k] {
				seen[k] = true
				out = append(out, f)
			}
		default:
			out = append(out, f)
		}
	}
	if unused {
		for _, f := range unusedAt {
			if k := f.Pos.String(); !used[k] && !seen[k] {
				seen[k] = true
				f.Analyzer = directiveCheck
				out = append(out, f)
			}
		}
	}
	slices.SortStableFunc(out, func(a, b rewrite.Finding) int {
		return cmp.Or(cmp.Compare(a.Pos.Filename, b.Pos.Filename), cmp.Compare(a.Pos.Offset, b.Pos.Offset))
	})
	return out
}
