package ctxprop

import (
	"fmt"
	"go/ast"
	"go/token"
	"go/types"
	"slices"
	"strconv"

	"github.com/concfix/concfix/fixers/internal/model"
	"github.com/concfix/concfix/internal/fixkit"
	"github.com/dave/dst"
	"golang.org/x/tools/go/analysis"
	"golang.org/x/tools/go/ast/inspector"
	"golang.org/x/tools/go/types/typeutil"
)

// httpMethods are the net/http functions and *http.Client methods that build their
// request with http.NewRequest, so with context.Background(), and send it with
// Client.Do, by the constant of the method they send. net/http: "To make a request with
// a specified context.Context, use NewRequestWithContext and Client.Do".
var httpMethods = map[string]string{
	"Get":      "MethodGet",
	"Head":     "MethodHead",
	"Post":     "MethodPost",
	"PostForm": "MethodPost",
}

// An httpSite is a call of one of httpMethods that the fix can rewrite: the whole
// right-hand side of an assignment to two variables, resp and err, in a statement list.
type httpSite struct {
	call      *ast.CallExpr
	fn        *types.Func
	as        *ast.AssignStmt
	list      ast.Node // the block or clause that holds as
	resp, err *ast.Ident
	client    ast.Expr // the receiver of a Client method; nil: http.DefaultClient
	req       string   // the name of the request variable the fix declares
}

// checkHTTP handles a call of http.Get, Head, Post or PostForm, or of the same method of
// an *http.Client, while a context is in scope.
func (ck *checker) checkHTTP(cur inspector.Cursor, call *ast.CallExpr) {
	fn := ck.httpCall(call)
	if fn == nil {
		return
	}
	newReq, ok := fn.Pkg().Scope().Lookup("NewRequestWithContext").(*types.Func)
	if !ok || ck.tooNew(newReq, call) {
		return
	}
	env := ck.env(cur)
	if env.status == none || ck.resultEscapes(cur, env) {
		return
	}
	const twins = "http.NewRequestWithContext and (*http.Client).Do take it"
	d := analysis.Diagnostic{
		Pos:     call.Pos(),
		End:     call.Fun.End(),
		Message: fmt.Sprintf("%s called while a context is in scope; %s", ck.funcName(fn), twins),
	}
	if env.status == ambiguous {
		fixkit.Refuse(ck.pass, d, d.Pos, "several contexts in scope: "+env.names())
		return
	}
	d.Message = fmt.Sprintf("%s called while %s is in scope; %s", ck.funcName(fn), env.text(), twins)
	site, why := ck.httpSite(cur, call, fn)
	if why != "" {
		fixkit.Refuse(ck.pass, d, d.Pos, why)
		return
	}
	msg := fmt.Sprintf("Make the request with http.NewRequestWithContext(%s, ...) and Do", env.text())
	fixkit.Report(ck.pass, d, msg, func(fx *fixkit.Fix) error { return ck.rewriteHTTP(fx, site, env) })
}

// httpCall returns the function or method of httpMethods that call calls through a
// selector (http.Get, c.Get), or nil.
func (ck *checker) httpCall(call *ast.CallExpr) *types.Func {
	if _, ok := call.Fun.(*ast.SelectorExpr); !ok {
		return nil
	}
	fn, ok := typeutil.Callee(ck.pass.TypesInfo, call).(*types.Func)
	if !ok || fn.Pkg() == nil || fn.Pkg().Path() != "net/http" || httpMethods[fn.Name()] == "" {
		return nil
	}
	if recv := fn.Signature().Recv(); recv != nil && !isPtrTo(recv.Type(), "net/http", "Client") {
		return nil
	}
	return fn
}

// httpSite returns the site of call when the fix can rewrite it, or why not.
func (ck *checker) httpSite(cur inspector.Cursor, call *ast.CallExpr, fn *types.Func) (*httpSite, string) {
	as, ok := cur.Parent().Node().(*ast.AssignStmt)
	if !ok || len(as.Lhs) != 2 || len(as.Rhs) != 1 || as.Rhs[0] != call || (as.Tok != token.DEFINE && as.Tok != token.ASSIGN) {
		return nil, "the response is not assigned to two variables by a statement of its own"
	}
	list, ok := model.StmtList(cur.Parent().Parent().Node())
	if !ok {
		return nil, "the assignment is not in a statement list"
	}
	resp, okResp := as.Lhs[0].(*ast.Ident)
	err, okErr := as.Lhs[1].(*ast.Ident)
	switch {
	case !okResp || !okErr:
		return nil, "the response or the error is not assigned to a variable"
	case resp.Name == "_" || err.Name == "_":
		return nil, "the response or the error is discarded"
	case resp.Name == err.Name:
		return nil, "the response and the error go to one variable"
	case ck.hasComments(as):
		return nil, "comments inside the statement"
	}
	s := &httpSite{call: call, fn: fn, as: as, list: cur.Parent().Parent().Node(), resp: resp, err: err}
	if why := ck.argsRefusal(s); why != "" {
		return nil, why
	}
	if s.req = ck.reqName(list, as); s.req == "" {
		return nil, "no free name for the request variable"
	}
	return s, ""
}

// argsRefusal returns why the receiver or the arguments of the call at s stop the
// rewrite, or "", and sets s.client. The client and Post's content type are evaluated
// after the request is built and err assigned: they must call nothing and not read the
// variables the rewrite assigns first.
func (ck *checker) argsRefusal(s *httpSite) string {
	call := s.call
	var late []ast.Expr
	if s.fn.Signature().Recv() != nil {
		sel := call.Fun.(*ast.SelectorExpr)
		if !ck.plainOperand(sel.X) {
			return "the client is not a variable or a field"
		}
		if len(ck.pass.TypesInfo.Selections[sel].Index()) != 1 {
			return "the client is embedded in another type, whose Do may differ"
		}
		s.client = sel.X
		late = append(late, sel.X)
	}
	switch s.fn.Name() {
	case "PostForm":
		if !types.Identical(ck.pass.TypesInfo.TypeOf(call.Args[1]), s.fn.Signature().Params().At(1).Type()) {
			return "the form is not a url.Values, whose Encode the rewrite calls"
		}
	case "Post":
		if ck.hasCall(call.Args[1]) {
			return "the content type is computed by a call, which the rewrite would make after the request is built"
		}
		late = append(late, call.Args[1])
	}
	for _, e := range late {
		if mentions(e, s.resp.Name, s.err.Name) {
			return "the client or the content type reads " + s.resp.Name + " or " + s.err.Name + ", which the rewrite assigns first"
		}
	}
	return ""
}

// plainOperand reports whether e is a variable or a chain of field selections from one
// (c, s.client, pkg.Client): evaluating it calls nothing.
func (ck *checker) plainOperand(e ast.Expr) bool {
	info := ck.pass.TypesInfo
	switch e := e.(type) {
	case *ast.Ident:
		_, ok := info.Uses[e].(*types.Var)
		return ok
	case *ast.SelectorExpr:
		if s, ok := info.Selections[e]; ok {
			return s.Kind() == types.FieldVal && ck.plainOperand(e.X)
		}
		_, ok := info.Uses[e.Sel].(*types.Var) // a package's variable: http.DefaultClient
		return ok
	}
	return false
}

// mentions reports whether an identifier of e has one of names.
func mentions(e ast.Node, names ...string) bool {
	found := false
	ast.Inspect(e, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok && slices.Contains(names, id.Name) {
			found = true
		}
		return !found
	})
	return found
}

// reqName returns the name of the request variable that the rewrite of as, a statement
// of list, declares, or "". The rewrites of a list's statements are chosen in order, each
// the first of req, req2, ..., req9 that names nothing at its statement, appears nowhere
// from there to the end of the list (the new variable is visible to all of it), and is
// not the name of an earlier rewrite of the list.
func (ck *checker) reqName(list []ast.Stmt, as *ast.AssignStmt) string {
	if name, ok := ck.reqNames[as]; ok {
		return name
	}
	used := make(map[string]bool)
	for i, st := range list {
		a, ok := st.(*ast.AssignStmt)
		if !ok || len(a.Lhs) != 2 || len(a.Rhs) != 1 {
			continue
		}
		if call, ok := a.Rhs[0].(*ast.CallExpr); !ok || ck.httpCall(call) == nil {
			continue
		}
		name := ""
		for n := 1; n <= 9 && name == ""; n++ {
			c := "req"
			if n > 1 {
				c += strconv.Itoa(n)
			}
			if !used[c] && fixkit.FreeName(ck.pass.Pkg, c, list[i:]) {
				name = c
			}
		}
		used[name] = true
		ck.reqNames[a] = name
	}
	return ck.reqNames[as]
}

// rewriteHTTP rewrites `resp, err := http.Get(u)` (or =, or c.Get, Head, Post, PostForm)
// into the request it makes, with the context:
//
//	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
//	var resp *http.Response // for =: resp = nil
//	if err == nil {
//		req.Header.Set("Content-Type", contentType) // Post and PostForm
//		resp, err = http.DefaultClient.Do(req)
//	}
//
// which is what the function does (client.go: NewRequest, its error returned with a nil
// response, then c.Do). When err is declared outside the statement's block, req is
// declared apart (var req *http.Request) and assigned with err.
func (ck *checker) rewriteHTTP(fx *fixkit.Fix, s *httpSite, env envResult) error {
	httpName, err := ck.packageName(fx, s, "net/http", "http")
	if err != nil {
		return err
	}
	if httpName == s.resp.Name || httpName == s.err.Name {
		return fixkit.Refusalf("%s names the response or the error", httpName)
	}
	list := fixkit.StmtList(fx.Dst(s.list))
	das := fx.Dst(s.as).(*dst.AssignStmt)
	i := slices.Index(*list, dst.Stmt(das))
	if i < 0 {
		return fmt.Errorf("statement not found in its list")
	}
	qual := func(name string) dst.Expr {
		return &dst.SelectorExpr{X: dst.NewIdent(httpName), Sel: dst.NewIdent(name)}
	}
	dcall := fx.Dst(s.call).(*dst.CallExpr)
	body, contentType, err := ck.requestBody(fx, s, dcall)
	if err != nil {
		return err
	}
	ctx := env.expr()
	if dcall.Args[0].Decorations().Before != dst.None {
		ctx.Decorations().Before = dcall.Args[0].Decorations().Before
	}
	method := qual(httpMethods[s.fn.Name()])
	das.Lhs = []dst.Expr{dst.NewIdent(s.req), dst.NewIdent(s.err.Name)}
	das.Rhs = []dst.Expr{&dst.CallExpr{Fun: qual("NewRequestWithContext"), Args: []dst.Expr{ctx, method, dcall.Args[0], body}}}
	das.Tok = token.DEFINE

	var before, after []dst.Stmt
	if s.as.Tok == token.ASSIGN && !ck.declaredAt(s.err, s.as) {
		// := would declare a new err in the block.
		das.Tok = token.ASSIGN
		before = append(before, varDecl(s.req, &dst.StarExpr{X: qual("Request")}))
	}
	if ck.pass.TypesInfo.Defs[s.resp] != nil {
		after = append(after, varDecl(s.resp.Name, &dst.StarExpr{X: qual("Response")}))
	} else {
		after = append(after, assign([]string{s.resp.Name}, dst.NewIdent("nil")))
	}
	client := qual("DefaultClient")
	if s.client != nil {
		client = dst.Clone(fx.Dst(s.client)).(dst.Expr)
		client.Decorations().Before, client.Decorations().After = dst.None, dst.None
	}
	after = append(after, sendStmt(s, client, contentType))
	insertAround(list, i, before, after)
	return nil
}

// requestBody returns the body of the request that the call at s makes and, for Post and
// PostForm, its content type, as Client.Post and Client.PostForm make them.
func (ck *checker) requestBody(fx *fixkit.Fix, s *httpSite, dcall *dst.CallExpr) (body, contentType dst.Expr, err error) {
	switch s.fn.Name() {
	case "Post":
		contentType = dcall.Args[1]
		contentType.Decorations().Before, contentType.Decorations().After = dst.None, dst.None
		return dcall.Args[2], contentType, nil
	case "PostForm":
		strs, err := ck.packageName(fx, s, "strings", "strings")
		if err != nil {
			return nil, nil, err
		}
		data := dcall.Args[1]
		if !primary(s.call.Args[1]) {
			data = &dst.ParenExpr{X: data}
		}
		body = &dst.CallExpr{
			Fun:  &dst.SelectorExpr{X: dst.NewIdent(strs), Sel: dst.NewIdent("NewReader")},
			Args: []dst.Expr{&dst.CallExpr{Fun: &dst.SelectorExpr{X: data, Sel: dst.NewIdent("Encode")}}},
		}
		return body, stringLit("application/x-www-form-urlencoded"), nil
	}
	return dst.NewIdent("nil"), nil, nil
}

// sendStmt returns `if err == nil { [req.Header.Set("Content-Type", contentType)];
// resp, err = client.Do(req) }`.
func sendStmt(s *httpSite, client, contentType dst.Expr) dst.Stmt {
	var then []dst.Stmt
	if contentType != nil {
		header := &dst.SelectorExpr{X: dst.NewIdent(s.req), Sel: dst.NewIdent("Header")}
		then = append(then, &dst.ExprStmt{X: &dst.CallExpr{
			Fun:  &dst.SelectorExpr{X: header, Sel: dst.NewIdent("Set")},
			Args: []dst.Expr{stringLit("Content-Type"), contentType},
		}})
	}
	do := &dst.CallExpr{Fun: &dst.SelectorExpr{X: client, Sel: dst.NewIdent("Do")}, Args: []dst.Expr{dst.NewIdent(s.req)}}
	then = append(then, assign([]string{s.resp.Name, s.err.Name}, do))
	return &dst.IfStmt{
		Cond: &dst.BinaryExpr{X: dst.NewIdent(s.err.Name), Op: token.EQL, Y: dst.NewIdent("nil")},
		Body: &dst.BlockStmt{List: then},
	}
}

// insertAround inserts before and after around the statement at index i of list. The
// first statement takes the leading blank line and comments of the group, the last its
// trailing line break.
func insertAround(list *[]dst.Stmt, i int, before, after []dst.Stmt) {
	das := (*list)[i]
	group := slices.Concat(before, []dst.Stmt{das}, after)
	first, last := group[0], group[len(group)-1]
	decs := das.Decorations()
	leading, start, trailing := decs.Before, decs.Start, decs.After
	for _, st := range group {
		st.Decorations().Before, st.Decorations().After = dst.NewLine, dst.NewLine
	}
	if first != das {
		decs.Start = nil
		first.Decorations().Start = start
	}
	first.Decorations().Before = leading
	last.Decorations().After = trailing
	*list = slices.Insert(*list, i+1, after...)
	*list = slices.Insert(*list, i, before...)
}

// packageName returns the name by which the fix refers to the package path at the
// site, importing it when the file does not: the qualifier of the call itself, for
// net/http's functions.
func (ck *checker) packageName(fx *fixkit.Fix, s *httpSite, path, name string) (string, error) {
	if s.client == nil && path == "net/http" {
		return s.call.Fun.(*ast.SelectorExpr).X.(*ast.Ident).Name, nil
	}
	pkg, err := fx.AddImport(s.as, path, name)
	if err != nil {
		return "", err
	}
	switch obj := fixkit.Lookup(ck.pass.Pkg, pkg, s.as.Pos()).(type) {
	case nil:
	case *types.PkgName:
		if obj.Imported().Path() != path {
			return "", fixkit.Refusalf("%s does not refer to package %s here", pkg, path)
		}
	default:
		return "", fixkit.Refusalf("%s does not refer to package %s here", pkg, path)
	}
	return pkg, nil
}

// declaredAt reports whether the variable id refers to is declared in the innermost
// scope of stmt, where a := of stmt would reuse it.
func (ck *checker) declaredAt(id *ast.Ident, stmt ast.Stmt) bool {
	obj := ck.pass.TypesInfo.ObjectOf(id)
	return obj != nil && obj.Parent() != nil && obj.Parent() == ck.pass.Pkg.Scope().Innermost(stmt.Pos())
}

// assign returns `names = value`.
func assign(names []string, value dst.Expr) dst.Stmt {
	var lhs []dst.Expr
	for _, n := range names {
		lhs = append(lhs, dst.NewIdent(n))
	}
	return &dst.AssignStmt{Lhs: lhs, Tok: token.ASSIGN, Rhs: []dst.Expr{value}}
}

// stringLit returns the string literal of s.
func stringLit(s string) dst.Expr { return &dst.BasicLit{Kind: token.STRING, Value: strconv.Quote(s)} }

// varDecl returns `var name typ`.
func varDecl(name string, typ dst.Expr) dst.Stmt {
	return &dst.DeclStmt{Decl: &dst.GenDecl{Tok: token.VAR, Specs: []dst.Spec{&dst.ValueSpec{
		Names: []*dst.Ident{dst.NewIdent(name)},
		Type:  typ,
	}}}}
}

// primary reports whether e can be the operand of a selector as it is written.
func primary(e ast.Expr) bool {
	switch e.(type) {
	case *ast.Ident, *ast.SelectorExpr, *ast.CallExpr, *ast.IndexExpr, *ast.IndexListExpr, *ast.CompositeLit, *ast.ParenExpr:
		return true
	}
	return false
}
