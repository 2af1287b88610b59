package i18n

// The catalogue tests keep sw.json in step with the code. They collect every user-facing English
// message used anywhere in Huduma — in templates and in Go code — and fail, listing the missing keys,
// when sw.json lacks any of them. They also check that each translation is non-empty and keeps the
// fmt verbs of its key, and that sw.json has no duplicate keys and stays sorted.
//
// Sources are read as text (templates through text/template/parse, Go through go/parser) rather
// than imported, so this package's tests do not depend on every other package compiling.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"text/template/parse"
)

// internalDir is the root of Huduma's packages, relative to this package's directory.
const internalDir = ".."

// auditWords are the audit trail's entity and action words, shown through {{t .Entity}} and
// {{t .Action}} (and the filter lists in web/admin_audit.go).
var auditWords = []string{
	"agency", "centre", "centre_services", "service", "charter", "holiday", "calendar", "user",
	"create", "update", "delete", "sign_in", "sign_out",
}

// keySet records each key with the places it is used, for helpful failure messages.
type keySet map[string][]string

func (k keySet) add(key, where string) {
	if key == "" {
		return
	}
	if !slices.Contains(k[key], where) {
		k[key] = append(k[key], where)
	}
}

func (k keySet) sorted() []string {
	out := make([]string, 0, len(k))
	for key := range k {
		out = append(out, key)
	}
	sort.Strings(out)
	return out
}

// collectKeys gathers every message key from templates, Go sources and the dynamic word lists.
func collectKeys(t *testing.T) keySet {
	t.Helper()
	keys := keySet{}
	collectTemplateKeys(t, keys)
	collectGoKeys(t, keys)
	for _, w := range auditWords {
		keys.add(w, "audit entity/action word")
	}
	return keys
}

// ---- templates ----

func collectTemplateKeys(t *testing.T, keys keySet) {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(internalDir, "web", "templates", "*.html"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no templates found under internal/web/templates")
	}
	for _, path := range files {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		where := "web/templates/" + filepath.Base(path)
		found, err := templateKeys(where, string(b))
		if err != nil {
			// A template that does not parse is for the web tests to report; still collect its keys
			// lexically so the catalogue check stays useful while a teammate is mid-edit.
			t.Logf("%s does not parse (%v); reading its t calls lexically", where, err)
			found = templateKeysLexical(string(b))
		}
		for _, k := range found {
			keys.add(k, where)
		}
	}
}

// templateKeys parses a template and returns the string literal given to every t call:
// {{t "x"}}, {{t "x %d" .N}}, (t "x") inside other actions, and {{"x" | t}}.
func templateKeys(name, text string) ([]string, error) {
	trees := map[string]*parse.Tree{}
	tr := parse.New(name)
	tr.Mode = parse.SkipFuncCheck
	if _, err := tr.Parse(text, "", "", trees); err != nil {
		return nil, err
	}
	var out []string
	var walk func(n parse.Node)
	walkPipe := func(p *parse.PipeNode) {
		if p == nil {
			return
		}
		for i, c := range p.Cmds {
			if len(c.Args) >= 2 && isIdent(c.Args[0], "t") {
				if s, ok := c.Args[1].(*parse.StringNode); ok {
					out = append(out, s.Text)
				}
			}
			// {{plural .N "%d x found" "%d xs found"}}: both forms are keys.
			if len(c.Args) >= 4 && isIdent(c.Args[0], "plural") {
				for _, a := range c.Args[2:4] {
					if s, ok := a.(*parse.StringNode); ok {
						out = append(out, s.Text)
					}
				}
			}
			// {{"x" | t}}: the previous command's value is t's argument.
			if i > 0 && len(c.Args) == 1 && isIdent(c.Args[0], "t") {
				if prev := p.Cmds[i-1]; len(prev.Args) == 1 {
					if s, ok := prev.Args[0].(*parse.StringNode); ok {
						out = append(out, s.Text)
					}
				}
			}
			for _, a := range c.Args {
				walk(a)
			}
		}
	}
	walk = func(n parse.Node) {
		switch n := n.(type) {
		case nil:
		case *parse.ListNode:
			if n == nil {
				return
			}
			for _, c := range n.Nodes {
				walk(c)
			}
		case *parse.ActionNode:
			walkPipe(n.Pipe)
		case *parse.PipeNode:
			walkPipe(n)
		case *parse.ChainNode:
			walk(n.Node)
		case *parse.IfNode:
			walkPipe(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.RangeNode:
			walkPipe(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.WithNode:
			walkPipe(n.Pipe)
			walk(n.List)
			walk(n.ElseList)
		case *parse.TemplateNode:
			walkPipe(n.Pipe)
		}
	}
	names := make([]string, 0, len(trees))
	for n := range trees {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		if trees[n].Root != nil {
			walk(trees[n].Root)
		}
	}
	return out, nil
}

func isIdent(n parse.Node, name string) bool {
	id, ok := n.(*parse.IdentifierNode)
	return ok && id.Ident == name
}

// templateStringLit matches a Go-template string literal: interpreted ("..." with backslash
// escapes) or raw (`...`).
const templateStringLit = "\"(?:[^\"\\\\\\n]|\\\\.)*\"|`[^`]*`"

var (
	templateAction = regexp.MustCompile(`(?s)\{\{-?(.*?)-?\}\}`)
	templateTCall  = regexp.MustCompile(`(?:^|[\s(|])t\s+(` + templateStringLit + `)`)
	// plural COUNT "one" "other": the count is a field, a variable or a parenthesised call.
	templatePluralCall = regexp.MustCompile(`(?:^|[\s(|])plural\s+(?:[$.\w]+|\([^)]*\))\s+(` + templateStringLit + `)\s+(` + templateStringLit + `)`)
)

// templateKeysLexical is the fallback for a template that does not parse: t followed by a string
// literal inside an action.
func templateKeysLexical(text string) []string {
	var out []string
	for _, m := range templateAction.FindAllStringSubmatch(text, -1) {
		for _, c := range templateTCall.FindAllStringSubmatch(m[1], -1) {
			if s, err := strconv.Unquote(c[1]); err == nil {
				out = append(out, s)
			}
		}
		for _, c := range templatePluralCall.FindAllStringSubmatch(m[1], -1) {
			for _, lit := range c[1:] {
				if s, err := strconv.Unquote(lit); err == nil {
					out = append(out, s)
				}
			}
		}
	}
	return out
}

// ---- Go sources ----

// goPackage is one directory's non-test Go files.
type goPackage struct {
	dir    string // relative to internal/, e.g. "web"
	name   string
	fset   *token.FileSet
	files  map[string]*ast.File
	consts map[string]string // package-level string constants and variables with literal values
}

func loadGoPackages(t *testing.T) []*goPackage {
	t.Helper()
	byDir := map[string]*goPackage{}
	err := filepath.WalkDir(internalDir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if n := d.Name(); n == "testdata" || (strings.HasPrefix(n, ".") && path != internalDir) {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		rel, _ := filepath.Rel(internalDir, filepath.Dir(path))
		p := byDir[rel]
		if p == nil {
			p = &goPackage{dir: filepath.ToSlash(rel), fset: token.NewFileSet(), files: map[string]*ast.File{}, consts: map[string]string{}}
			byDir[rel] = p
		}
		f, err := parser.ParseFile(p.fset, path, nil, 0)
		if err != nil {
			// A teammate may be mid-edit; parse what we can and say so.
			t.Logf("cannot parse %s: %v", path, err)
			if f == nil {
				return nil
			}
		}
		if f.Name != nil {
			p.name = f.Name.Name
		}
		p.files[path] = f
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var out []*goPackage
	for _, p := range byDir {
		for _, f := range p.files {
			for _, decl := range f.Decls {
				gd, ok := decl.(*ast.GenDecl)
				if !ok || (gd.Tok != token.CONST && gd.Tok != token.VAR) {
					continue
				}
				for _, spec := range gd.Specs {
					vs := spec.(*ast.ValueSpec)
					for i, n := range vs.Names {
						if i < len(vs.Values) {
							if s, ok := stringLit(vs.Values[i]); ok {
								p.consts[n.Name] = s
							}
						}
					}
				}
			}
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].dir < out[j].dir })
	return out
}

// stringLit returns the value of a string literal, or of a concatenation of string literals.
func stringLit(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.BasicLit:
		if e.Kind != token.STRING {
			return "", false
		}
		s, err := strconv.Unquote(e.Value)
		return s, err == nil
	case *ast.ParenExpr:
		return stringLit(e.X)
	case *ast.BinaryExpr:
		if e.Op != token.ADD {
			return "", false
		}
		a, ok1 := stringLit(e.X)
		b, ok2 := stringLit(e.Y)
		return a + b, ok1 && ok2
	}
	return "", false
}

// goCollector walks one package, resolving message arguments to string values where it can.
type goCollector struct {
	p    *goPackage
	keys keySet
	// wanted are (function name, argument index) pairs whose literal arguments are message keys,
	// found because that parameter flows into a translation (T) or an apperr.Error's Message.
	wanted map[funcArg]bool
}

type funcArg struct {
	fn  string
	arg int
}

func (c *goCollector) where(n ast.Node) string {
	pos := c.p.fset.Position(n.Pos())
	rel, err := filepath.Rel(internalDir, pos.Filename)
	if err != nil {
		rel = pos.Filename
	}
	return fmt.Sprintf("%s:%d", filepath.ToSlash(rel), pos.Line)
}

// stack is the chain of enclosing nodes while walking, innermost last.
type stack []ast.Node

// resolve gives the string value of e: a literal, a package constant, or a local variable assigned a
// literal. When e is a parameter of the enclosing function it records that function's argument as
// wanted instead, so literal arguments at its call sites are collected.
func (c *goCollector) resolve(e ast.Expr, st stack) (string, bool) {
	if s, ok := stringLit(e); ok {
		return s, true
	}
	id, ok := e.(*ast.Ident)
	if !ok {
		return "", false
	}
	// Innermost enclosing function first: parameters and local assignments.
	for i := len(st) - 1; i >= 0; i-- {
		var ftype *ast.FuncType
		var body *ast.BlockStmt
		var fname string
		switch fn := st[i].(type) {
		case *ast.FuncDecl:
			ftype, body, fname = fn.Type, fn.Body, fn.Name.Name
		case *ast.FuncLit:
			ftype, body = fn.Type, fn.Body
			fname = funcLitName(fn, st[:i])
		default:
			continue
		}
		if idx := paramIndex(ftype, id.Name); idx >= 0 {
			if fname != "" {
				c.wanted[funcArg{fname, idx}] = true
			}
			return "", false
		}
		if s, ok := localLiteral(body, id.Name); ok {
			return s, true
		}
		if localAssigned(body, id.Name) {
			return "", false
		}
	}
	s, ok := c.p.consts[id.Name]
	return s, ok
}

// funcLitName is the name a function literal is assigned to (t := func(...)), if any.
func funcLitName(fn *ast.FuncLit, st stack) string {
	if len(st) == 0 {
		return ""
	}
	if as, ok := st[len(st)-1].(*ast.AssignStmt); ok {
		for i, r := range as.Rhs {
			if r == fn && i < len(as.Lhs) {
				if id, ok := as.Lhs[i].(*ast.Ident); ok {
					return id.Name
				}
			}
		}
	}
	return ""
}

func paramIndex(ft *ast.FuncType, name string) int {
	if ft == nil || ft.Params == nil {
		return -1
	}
	i := 0
	for _, f := range ft.Params.List {
		if len(f.Names) == 0 {
			i++
			continue
		}
		for _, n := range f.Names {
			if n.Name == name {
				if _, variadic := f.Type.(*ast.Ellipsis); variadic {
					return -1
				}
				return i
			}
			i++
		}
	}
	return -1
}

// localLiteral finds `name := "..."` (or var name = "...") in body, when that is the only
// assignment to name there.
func localLiteral(body *ast.BlockStmt, name string) (string, bool) {
	if body == nil {
		return "", false
	}
	var vals []string
	dynamic := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.FuncLit:
			return false
		case *ast.AssignStmt:
			for i, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == name {
					if len(n.Rhs) == len(n.Lhs) {
						if s, ok := stringLit(n.Rhs[i]); ok {
							vals = append(vals, s)
							continue
						}
					}
					dynamic = true
				}
			}
		case *ast.ValueSpec:
			for i, id := range n.Names {
				if id.Name == name {
					if i < len(n.Values) {
						if s, ok := stringLit(n.Values[i]); ok {
							vals = append(vals, s)
							continue
						}
					}
					dynamic = true
				}
			}
		}
		return true
	})
	if dynamic || len(vals) != 1 {
		return "", false
	}
	return vals[0], true
}

func localAssigned(body *ast.BlockStmt, name string) bool {
	if body == nil {
		return false
	}
	found := false
	ast.Inspect(body, func(n ast.Node) bool {
		switch n := n.(type) {
		case *ast.AssignStmt:
			for _, l := range n.Lhs {
				if id, ok := l.(*ast.Ident); ok && id.Name == name {
					found = true
				}
			}
		case *ast.ValueSpec:
			for _, id := range n.Names {
				if id.Name == name {
					found = true
				}
			}
		case *ast.RangeStmt:
			for _, e := range []ast.Expr{n.Key, n.Value} {
				if id, ok := e.(*ast.Ident); ok && id.Name == name {
					found = true
				}
			}
		}
		return !found
	})
	return found
}

func (c *goCollector) addExpr(e ast.Expr, st stack, what string) {
	if s, ok := c.resolve(e, st); ok {
		c.keys.add(s, c.where(e)+" "+what)
	}
}

// calleeName is the called function's name and, for pkg.F or x.F, the qualifier.
func calleeName(call *ast.CallExpr) (qual, name string) {
	switch f := call.Fun.(type) {
	case *ast.Ident:
		return "", f.Name
	case *ast.SelectorExpr:
		if id, ok := f.X.(*ast.Ident); ok {
			return id.Name, f.Sel.Name
		}
		return "?", f.Sel.Name
	}
	return "", ""
}

// isAppErrType reports whether a composite literal's type is apperr.Error (Error inside apperr).
func (c *goCollector) isAppErrType(e ast.Expr) bool {
	if u, ok := e.(*ast.UnaryExpr); ok {
		e = u.X
	}
	switch e := e.(type) {
	case *ast.SelectorExpr:
		id, ok := e.X.(*ast.Ident)
		return ok && id.Name == "apperr" && e.Sel.Name == "Error"
	case *ast.Ident:
		return c.p.name == "apperr" && e.Name == "Error"
	}
	return false
}

// walk visits every node of the package with its stack of enclosing nodes.
func (c *goCollector) walk(visit func(n ast.Node, st stack)) {
	paths := make([]string, 0, len(c.p.files))
	for p := range c.p.files {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, path := range paths {
		var st stack
		ast.Inspect(c.p.files[path], func(n ast.Node) bool {
			if n == nil {
				st = st[:len(st)-1]
				return true
			}
			visit(n, st)
			st = append(st, n)
			return true
		})
	}
}

// direct collects the keys recognisable where they are written.
func (c *goCollector) direct(n ast.Node, st stack) {
	switch n := n.(type) {
	case *ast.CallExpr:
		qual, name := calleeName(n)
		inApperr := c.p.name == "apperr" && qual == ""
		switch {
		case (qual == "apperr" || inApperr) && name == "New" && len(n.Args) >= 2:
			c.addExpr(n.Args[1], st, "apperr.New")
		case (qual == "apperr" || inApperr) && name == "Wrap" && len(n.Args) >= 3:
			c.addExpr(n.Args[2], st, "apperr.Wrap")
		case qual != "" && name == "T" && len(n.Args) >= 2:
			c.addExpr(n.Args[1], st, "T")
		case qual != "" && name == "Plural" && len(n.Args) >= 4:
			// tr.Plural(lang, n, one, other): each form is a key of its own.
			c.addExpr(n.Args[2], st, "Plural one")
			c.addExpr(n.Args[3], st, "Plural other")
		case (qual == "audit" || (c.p.name == "audit" && qual == "")) && name == "Record" && len(n.Args) >= 6:
			c.addExpr(n.Args[4], st, "audit action")
			c.addExpr(n.Args[5], st, "audit entity")
		}
	case *ast.CompositeLit:
		if c.isAppErrType(n.Type) {
			for _, el := range n.Elts {
				kv, ok := el.(*ast.KeyValueExpr)
				if !ok {
					continue
				}
				switch k, _ := kv.Key.(*ast.Ident); {
				case k != nil && k.Name == "Message":
					c.addExpr(kv.Value, st, "apperr.Error Message")
				case k != nil && k.Name == "Fields":
					if m, ok := kv.Value.(*ast.CompositeLit); ok {
						for _, fe := range m.Elts {
							if fkv, ok := fe.(*ast.KeyValueExpr); ok {
								c.addExpr(fkv.Value, st, "apperr.Error Fields")
							}
						}
					}
				}
			}
		}
		// The audit filter lists: "Entities": []string{...}, "Actions": []string{...}.
		for _, el := range n.Elts {
			kv, ok := el.(*ast.KeyValueExpr)
			if !ok {
				continue
			}
			if k, ok := stringLit(kv.Key); ok && (k == "Entities" || k == "Actions") {
				if list, ok := kv.Value.(*ast.CompositeLit); ok {
					for _, e := range list.Elts {
						c.addExpr(e, st, "audit "+strings.ToLower(k))
					}
				}
			}
		}
	case *ast.ValueSpec:
		for i, id := range n.Names {
			if i >= len(n.Values) {
				continue
			}
			v := n.Values[i]
			switch {
			case strings.HasPrefix(id.Name, "msg") || (c.p.name == "apperr" && id.Name == "GenericMessage"):
				c.addExpr(v, st, id.Name)
			case id.Name == "roleNames" || id.Name == "notices":
				if m, ok := v.(*ast.CompositeLit); ok {
					for _, e := range m.Elts {
						if kv, ok := e.(*ast.KeyValueExpr); ok {
							c.addExpr(kv.Value, st, id.Name)
						}
					}
				}
			case c.p.dir == "charter" && (id.Name == "AgencyKinds" || id.Name == "CentreKinds" || id.Name == "Channels"):
				if m, ok := v.(*ast.CompositeLit); ok {
					for _, e := range m.Elts {
						c.addExpr(e, st, "charter."+id.Name)
					}
				}
			}
		}
	case *ast.AssignStmt:
		// Field errors: f["username"] = "...".
		for i, l := range n.Lhs {
			ix, ok := l.(*ast.IndexExpr)
			if !ok || i >= len(n.Rhs) {
				continue
			}
			if id, ok := ix.X.(*ast.Ident); ok && id.Name == "f" {
				c.addExpr(n.Rhs[i], st, "field error")
			}
		}
	}
}

// propagated collects literal arguments at call sites of functions whose parameter is a message
// (e.g. s.render's title, conflictField's msg, the t closure in templateFuncs, fieldErrors.check).
func (c *goCollector) propagated(n ast.Node, st stack) {
	call, ok := n.(*ast.CallExpr)
	if !ok {
		return
	}
	qual, name := calleeName(call)
	if qual != "" {
		// pkg.F calls another package; only methods (x.F) can be this package's functions.
		if _, isPkg := importedAs(c.p, qual); isPkg {
			return
		}
	}
	for i, a := range call.Args {
		if c.wanted[funcArg{name, i}] {
			c.addExpr(a, st, name+" argument")
		}
	}
}

// importedAs reports whether qual names an imported package in p.
func importedAs(p *goPackage, qual string) (string, bool) {
	for _, f := range p.files {
		for _, im := range f.Imports {
			path, _ := strconv.Unquote(im.Path.Value)
			n := path[strings.LastIndex(path, "/")+1:]
			if im.Name != nil {
				n = im.Name.Name
			}
			if n == qual {
				return path, true
			}
		}
	}
	return "", false
}

// collect gathers the package's keys: first those written where they are used, then literal
// arguments to parameters found to carry messages.
func (c *goCollector) collect() {
	c.walk(c.direct)
	// Follow parameters until nothing new is wanted (a message passed through several functions).
	for range 5 {
		before := len(c.wanted)
		c.walk(c.propagated)
		if len(c.wanted) == before {
			break
		}
	}
}

func collectGoKeys(t *testing.T, keys keySet) {
	t.Helper()
	pkgs := loadGoPackages(t)
	seen := map[string]bool{}
	for _, p := range pkgs {
		c := &goCollector{p: p, keys: keys, wanted: map[funcArg]bool{}}
		c.collect()
		seen[p.dir] = true
	}
	for _, dir := range []string{"web", "charter", "auth", "apperr"} {
		if !seen[dir] {
			t.Errorf("package internal/%s not found; is the test running from internal/i18n?", dir)
		}
	}
	// The dynamic lists must have been found, or the check would silently miss their words.
	for _, want := range []string{"charter.AgencyKinds", "charter.CentreKinds", "charter.Channels", "roleNames", "notices", "GenericMessage"} {
		found := false
		for _, wheres := range keys {
			for _, w := range wheres {
				if strings.HasSuffix(w, " "+want) {
					found = true
				}
			}
		}
		if !found {
			t.Errorf("no keys found from %s; has it moved or changed form? Update catalogue_test.go", want)
		}
	}
}

// ---- the tests ----

func TestCatalogueHasEveryKey(t *testing.T) {
	tr, err := New()
	if err != nil {
		t.Fatal(err)
	}
	keys := collectKeys(t)
	var missing []string
	for _, k := range keys.sorted() {
		if !tr.Has(k) {
			missing = append(missing, fmt.Sprintf("  %q  (%s)", k, strings.Join(keys[k], ", ")))
		}
	}
	t.Logf("%d keys in use, %d in sw.json", len(keys), len(tr.Keys()))
	if len(missing) > 0 {
		t.Errorf("sw.json lacks %d of %d keys in use:\n%s", len(missing), len(keys), strings.Join(missing, "\n"))
	}
	var unused []string
	for _, k := range tr.Keys() {
		if _, ok := keys[k]; !ok {
			unused = append(unused, strconv.Quote(k))
		}
	}
	if len(unused) > 0 {
		sort.Strings(unused)
		t.Logf("sw.json keys not found in use (may be dynamic; remove if stale): %s", strings.Join(unused, ", "))
	}
}

// fmtVerb matches a fmt verb with optional flags, width, precision and argument index; %% is not a
// verb.
var fmtVerb = regexp.MustCompile(`%(?:\[\d+\])?[-+#0]*(?:\d+|\*)?(?:\.(?:\d+|\*)?)?[a-zA-Z%]`)

func verbs(s string) []string {
	var out []string
	for _, v := range fmtVerb.FindAllString(s, -1) {
		if v != "%%" {
			out = append(out, v)
		}
	}
	return out
}

func TestCatalogueTranslations(t *testing.T) {
	raw, err := catalogues.ReadFile("sw.json")
	if err != nil {
		t.Fatal(err)
	}
	var sw map[string]string
	if err := json.Unmarshal(raw, &sw); err != nil {
		t.Fatalf("sw.json: %v", err)
	}
	keys := make([]string, 0, len(sw))
	for k := range sw {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := sw[k]
		if strings.TrimSpace(v) == "" {
			t.Errorf("sw.json: %q has an empty translation", k)
			continue
		}
		if kv, vv := verbs(k), verbs(v); !slices.Equal(kv, vv) {
			t.Errorf("sw.json: %q has verbs %v but its translation %q has %v", k, kv, v, vv)
		}
		if strings.TrimSpace(v) != v {
			t.Errorf("sw.json: translation of %q has leading or trailing space", k)
		}
	}
}

// TestCatalogueFile checks sw.json is an object of strings with no duplicate keys (JSON would keep
// only the last silently), sorted, so that merges stay easy.
func TestCatalogueFile(t *testing.T) {
	raw, err := catalogues.ReadFile("sw.json")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("sw.json must be a JSON object: %v %v", tok, err)
	}
	var order []string
	seen := map[string]bool{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatalf("sw.json: %v", err)
		}
		k := tok.(string)
		var v string
		if err := dec.Decode(&v); err != nil {
			t.Fatalf("sw.json: value of %q: %v", k, err)
		}
		if seen[k] {
			t.Errorf("sw.json: duplicate key %q", k)
		}
		seen[k] = true
		order = append(order, k)
	}
	for i := 1; i < len(order); i++ {
		if order[i-1] > order[i] {
			t.Errorf("sw.json: keys are not sorted: %q comes before %q", order[i-1], order[i])
			break
		}
	}
}

// TestCollectorsFindKnownKeys guards the collectors themselves against silently finding nothing.
func TestCollectorsFindKnownKeys(t *testing.T) {
	got, err := templateKeys("x", `{{define "content"}}{{t "A \"quoted\" word"}} {{if .X}}{{template "ferr" (t "Inner")}}{{end}}`+
		"{{t `raw`}} {{t \"Page %d of %d\" .Page .Pages}} {{\"Piped\" | t}} {{t .Kind}}"+
		`{{plural (len .List) "%d thing" "%d things"}}{{end}}`)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`A "quoted" word`, "Inner", "raw", "Page %d of %d", "Piped", "%d thing", "%d things"}
	if !slices.Equal(got, want) {
		t.Errorf("templateKeys = %q, want %q", got, want)
	}
	lex := templateKeysLexical(`{{t "A \"quoted\" word"}} {{template "ferr" (t "Inner")}} {{t .Kind}} {{ t "Page %d" .N }} {{at "no"}}` +
		`{{plural .N "%d one" "%d many"}}`)
	if want := []string{`A "quoted" word`, "Inner", "Page %d", "%d one", "%d many"}; !slices.Equal(lex, want) {
		t.Errorf("templateKeysLexical = %q, want %q", lex, want)
	}
	keys := collectKeys(t)
	for _, k := range []string{
		"Search",        // template
		"Page %d of %d", // template with arguments
		"Something went wrong on our side. Please try again.", // apperr.GenericMessage
		"This field is required.",                             // charter msg constant and auth field error
		"Counter officer",                                     // roleNames
		"Saved.",                                              // notices
		"Please sign in.",                                     // apperr.New
		"That already exists.",                                // apperr.Wrap
		"Wrong username or password.",                         // s.tr.T
		"Within %d working days",                              // tr.T
		"within %d minute", "within %d minutes",               // both forms of s.tr.Plural
		"Free",                    // the t closure in templateFuncs
		"Staff sign-in",           // s.render title
		"That username is taken.", // apperr.Error Message from a local
		"An agency with this code already exists.", // conflictField's msg parameter
		"Please correct the highlighted fields.",   // apperr.InvalidFields
		"ministry", "huduma_centre", "ussd",        // charter kinds and channels
		"sign_in", "centre_services", // audit words
	} {
		if _, ok := keys[k]; !ok {
			t.Errorf("collector did not find %q", k)
		}
	}
}

func TestVerbs(t *testing.T) {
	for _, c := range []struct {
		s    string
		want []string
	}{
		{"Page %d of %d", []string{"%d", "%d"}},
		{"No %s with code %q.", []string{"%s", "%q"}},
		{"at %q: %v", []string{"%q", "%v"}},
		{"100%% sure, %5.2f", []string{"%5.2f"}},
		{"Karibu", nil},
	} {
		if got := verbs(c.s); !slices.Equal(got, c.want) {
			t.Errorf("verbs(%q) = %q, want %q", c.s, got, c.want)
		}
	}
}

func TestFromAcceptLanguage(t *testing.T) {
	for _, c := range []struct{ header, want string }{
		{"sw-KE,sw;q=0.9", "sw"},
		{"sw-KE,sw;q=0.9,en;q=0.8", "sw"},
		{"en-GB", "en"},
		{"en-GB,en;q=0.9,sw;q=0.8", "en"},
		{"fr", "en"},
		{"fr-FR,fr;q=0.9,sw;q=0.5", "sw"},
		{"sw;q=0", "en"},
		{"SW", "sw"},
		{"", "en"},
		{"sw;q=bogus", "en"},
	} {
		if got := fromAcceptLanguage(c.header); got != c.want {
			t.Errorf("fromAcceptLanguage(%q) = %q, want %q", c.header, got, c.want)
		}
	}
}

func TestFromRequest(t *testing.T) {
	for _, c := range []struct {
		name, url, cookie, header, want string
	}{
		{"nothing", "/", "", "", "en"},
		{"header", "/", "", "sw-KE,sw;q=0.9", "sw"},
		{"query wins over cookie", "/?lang=sw", "en", "en-GB", "sw"},
		{"query en wins over cookie sw", "/?lang=en", "sw", "sw", "en"},
		{"cookie wins over header", "/", "sw", "en-GB", "sw"},
		{"cookie en wins over header sw", "/", "en", "sw-KE", "en"},
		{"unsupported query ignored", "/?lang=fr", "sw", "en", "sw"},
		{"unsupported cookie ignored", "/", "fr", "sw", "sw"},
	} {
		r := httptest.NewRequest("GET", c.url, nil)
		if c.cookie != "" {
			r.Header.Set("Cookie", "lang="+c.cookie)
		}
		if c.header != "" {
			r.Header.Set("Accept-Language", c.header)
		}
		if got := FromRequest(r); got != c.want {
			t.Errorf("%s: FromRequest = %q, want %q", c.name, got, c.want)
		}
	}
}

func TestTranslate(t *testing.T) {
	tr := &Translator{sw: map[string]string{"Page %d of %d": "Ukurasa %d kati ya %d", "Empty": ""}}
	if got := tr.T("sw", "Page %d of %d", 2, 5); got != "Ukurasa 2 kati ya 5" {
		t.Errorf("sw: %q", got)
	}
	if got := tr.T("en", "Page %d of %d", 2, 5); got != "Page 2 of 5" {
		t.Errorf("en: %q", got)
	}
	if got := tr.T("sw", "Unknown"); got != "Unknown" {
		t.Errorf("missing key should fall back to English, got %q", got)
	}
	if got := tr.T("sw", "Empty"); got != "Empty" {
		t.Errorf("empty translation should fall back to English, got %q", got)
	}
}
