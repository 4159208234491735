package ctxfirst

import (
	"cmp"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"go/types"
	"path/filepath"
	"slices"
	"strings"

	"github.com/concfix/concfix/internal/fixkit"
)

// foreignParts contributes this package's share of the whole-program fixes of functions
// and methods declared in other packages: the edits of its calls, or a veto.
func (c *checker) foreignParts() {
	seen := make(map[*types.Func]bool)
	var fns []*types.Func
	for fn := range c.refs {
		fns = append(fns, fn)
	}
	for fn := range c.impls {
		fns = append(fns, fn)
	}
	slices.SortFunc(fns, func(a, b *types.Func) int { return cmp.Compare(key(a), key(b)) })
	for _, fn := range fns {
		if seen[fn] || fn.Pkg() == nil || fn.Pkg() == c.pass.Pkg || !fn.Exported() {
			continue
		}
		seen[fn] = true
		if c.importable(fn) && !c.api {
			continue // the declaring package refuses it
		}
		part := fixkit.Part{Key: key(fn)}
		k, t, _ := c.shape(fn.Signature())
		if file := c.mentionedElsewhere(fn.Name()); file != "" {
			part.Veto = fmt.Sprintf("%s is mentioned in %s, which this build does not compile", fn.Name(), file)
		} else if impls := c.impls[fn]; len(impls) > 0 {
			part.Veto = fmt.Sprintf("%s implements %s in package %s", funcName(fn), impls[0].iface, c.pass.Pkg.Path())
		} else if _, why := c.checkRefs(fn, c.refs[fn], k, t); why != "" {
			part.Veto = why + " (package " + c.pass.Pkg.Path() + ")"
		} else {
			sf, err := fixkit.Build(c.pass, fixMessage(fn.Signature(), k), func(fx *fixkit.Fix) error {
				return c.moveArgs(fx, c.refs[fn], k, t)
			})
			if err != nil {
				part.Veto = firstLine(err.Error())
			} else {
				part.Edits = sf.TextEdits
			}
		}
		c.parts.List = append(c.parts.List, part)
	}
}

// mentionedElsewhere returns the name of a file of the package that this build does not
// compile (excluded by build constraints) or an assembly file, and that mentions name, or
// "". Calls there would not be rewritten, and no type checker would see them; a mention
// by name is enough to refuse.
func (c *checker) mentionedElsewhere(name string) string {
	if c.other == nil {
		c.other = make(map[string]string)
		fset := token.NewFileSet()
		for _, filename := range c.pass.IgnoredFiles {
			if !strings.HasSuffix(filename, ".go") {
				continue
			}
			src, err := c.pass.ReadFile(filename)
			if err != nil {
				continue
			}
			f, err := parser.ParseFile(fset, filename, src, parser.SkipObjectResolution)
			if f == nil {
				c.other["*"] = filepath.Base(filename) // unreadable: refuse everything
				continue
			}
			_ = err // a partial syntax tree still names what it mentions
			ast.Inspect(f, func(n ast.Node) bool {
				if id, ok := n.(*ast.Ident); ok {
					if _, seen := c.other[id.Name]; !seen {
						c.other[id.Name] = filepath.Base(filename)
					}
				}
				return true
			})
		}
		for _, filename := range c.pass.OtherFiles {
			if !strings.HasSuffix(filename, ".s") {
				continue
			}
			src, err := c.pass.ReadFile(filename)
			if err != nil {
				continue
			}
			// Assembly names Go symbols ·name, followed by (SB), <ABIInternal>(SB) or +off(SB).
			text := string(src)
			for i := strings.Index(text, "·"); i >= 0; {
				j := i + len("·")
				k := j
				for k < len(text) && (text[k] == '_' || text[k] >= '0' && text[k] <= '9' || text[k] >= 'a' && text[k] <= 'z' || text[k] >= 'A' && text[k] <= 'Z' || text[k] >= 0x80) {
					k++
				}
				if _, seen := c.other[text[j:k]]; !seen {
					c.other[text[j:k]] = filepath.Base(filename)
				}
				next := strings.Index(text[k:], "·")
				if next < 0 {
					break
				}
				i = k + next
			}
		}
	}
	if f, ok := c.other["*"]; ok {
		return f
	}
	return c.other[name]
}
