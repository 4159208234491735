package waitgroup

import (
	"go/ast"

	"github.com/dave/dst"
)

func indexOf(list []ast.Stmt, s ast.Stmt) int {
	for i, x := range list {
		if x == s {
			return i
		}
	}
	return -1
}

// removeStmt removes (*list)[i] and returns it. Blank lines around it collapse to one.
// Unless the statement moves elsewhere (with its comments), its comments go to the next
// statement, or to the previous one when it was the last.
func removeStmt(list *[]dst.Stmt, i int, moving bool) dst.Stmt {
	l := *list
	s := l[i]
	d := s.Decorations()
	blank := d.Before == dst.EmptyLine || d.After == dst.EmptyLine
	var comments []string
	if !moving {
		comments = append(append([]string(nil), d.Start.All()...), d.End.All()...)
	}
	switch {
	case i+1 < len(l):
		next := l[i+1].Decorations()
		if i == 0 {
			next.Before = d.Before
		} else if blank {
			next.Before = dst.EmptyLine
			l[i-1].Decorations().After = dst.EmptyLine
		} else {
			next.Before = dst.NewLine
			l[i-1].Decorations().After = dst.NewLine
		}
		if len(comments) > 0 {
			next.Start.Prepend(comments...)
		}
	case i > 0:
		prev := l[i-1].Decorations()
		prev.After = d.After
		if len(comments) > 0 {
			prev.End.Append(comments...)
		}
	default:
		if len(comments) > 0 {
			panic("cannot move the comments of the only statement of a block")
		}
	}
	*list = append(l[:i:i], l[i+1:]...)
	return s
}

// insertStmt inserts s at (*list)[i], before the statement there (if any), whose blank
// line goes above s. With takeComments, the comments above that statement go above s
// too (they describe the pair).
func insertStmt(list *[]dst.Stmt, i int, s dst.Stmt, takeComments bool) {
	l := *list
	d := s.Decorations()
	d.Before, d.After = dst.NewLine, dst.NewLine
	if i < len(l) {
		next := l[i].Decorations()
		d.Before = next.Before
		next.Before = dst.NewLine
		if takeComments {
			d.Start.Prepend(next.Start.All()...)
			next.Start.Clear()
		}
		if i > 0 {
			l[i-1].Decorations().After = d.Before
		}
	} else if i > 0 {
		prev := l[i-1].Decorations()
		d.After = prev.After
		prev.After = dst.NewLine
	}
	l = append(l, nil)
	copy(l[i+1:], l[i:])
	l[i] = s
	*list = l
}

// insertAfter inserts s directly after (*list)[i]; the blank line that followed that
// statement now follows s.
func insertAfter(list *[]dst.Stmt, i int, s dst.Stmt) {
	l := *list
	d := s.Decorations()
	prev := l[i].Decorations()
	d.Before, d.After = dst.NewLine, prev.After
	prev.After = dst.NewLine
	if i+1 < len(l) {
		l[i+1].Decorations().Before = d.After
	}
	l = append(l, nil)
	copy(l[i+2:], l[i+1:])
	l[i+1] = s
	*list = l
}
