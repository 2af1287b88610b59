package web_test

import (
	"encoding/json"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/huduma-ke/huduma/internal/db"
	"github.com/huduma-ke/huduma/internal/dbtest"
)

// An answer whose body cannot be encoded (a NaN in JSON, say) is a 500 with a proper error body
// in the format asked for — never a 200 with an empty or half-written body, which clients take
// for success. The writers encode into a buffer first and write the status only after.
func TestEncodingFailureIsA500(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		h := newHarness(t, d)
		srv := httptest.NewServer(h.web.Unencodable())
		t.Cleanup(srv.Close)
		get := func(path string) (*http.Response, string) {
			t.Helper()
			req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
			return h.anonymous().do(req)
		}

		res, body := get("/api/v1/unencodable")
		wantStatus(t, res, body, http.StatusInternalServerError)
		var apiErr struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if err := json.Unmarshal([]byte(body), &apiErr); err != nil || apiErr.Error.Code != "internal" || apiErr.Error.Message == "" ||
			res.Header.Get("Content-Type") != "application/json; charset=utf-8" {
			t.Errorf("JSON API: %q %s (%v)", res.Header.Get("Content-Type"), body, err)
		}

		for _, path := range []string{"/open311/v2/unencodable.json", "/open311/v2/unencodable.xml"} {
			res, body := get(path)
			wantO311Error(t, res, body, http.StatusInternalServerError, "Something went wrong on our side")
		}
	})
}

// Every call of a writer hands its error on: a writer that fails writes nothing, so a caller
// that dropped the error would send an empty 200.
func TestWriterErrorsAreReturned(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	writers := map[string]bool{"writeJSON": true, "writeCreated": true, "o311Write": true}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(f, func(n ast.Node) bool {
			st, ok := n.(*ast.ExprStmt)
			if !ok {
				return true
			}
			if call, ok := st.X.(*ast.CallExpr); ok {
				if id, ok := call.Fun.(*ast.Ident); ok && writers[id.Name] {
					t.Errorf("%s: the error of %s is dropped", fset.Position(call.Pos()), id.Name)
				}
			}
			return true
		})
	}
}
